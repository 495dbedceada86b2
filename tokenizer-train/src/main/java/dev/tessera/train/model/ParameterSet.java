package dev.tessera.train.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The trainable tensors of a tokenizer by name, in a fixed order. Arrays belong to the manager
 * given at construction; the set is closed with it.
 */
public final class ParameterSet {

    private final NDManager manager;
    private final Map<String, NDArray> arrays = new LinkedHashMap<>();

    public ParameterSet(NDManager manager) {
        this.manager = manager;
    }

    public NDManager manager() {
        return manager;
    }

    /**
     * Adds the weights and biases of every convolution, initialised from {@code seed}: weights
     * uniform in ±sqrt(3 / fan_in) (unit-variance activations), the last convolution of each
     * residual block scaled by 0.1 so that blocks start close to identity, biases zero.
     */
    public void initConvolutions(List<Layer> layers, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (Layer layer : layers) {
            if (layer instanceof Layer.Conv conv) {
                initConv(conv, 1.0, random);
            } else if (layer instanceof Layer.Residual res) {
                initConv(res.first(), 1.0, random);
                initConv(res.second(), 0.1, random);
            }
        }
    }

    private void initConv(Layer.Conv conv, double scale, SplittableRandom random) {
        int fanIn = conv.fanIn();
        float[] w = new float[conv.outChannels() * fanIn];
        double bound = scale * Math.sqrt(3.0 / fanIn);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        put(
                conv.weightName(),
                new FloatTensor(
                        new long[] {
                            conv.outChannels(), conv.inChannels(), conv.kernel(), conv.kernel()
                        },
                        w));
        put(
                conv.biasName(),
                new FloatTensor(new long[] {conv.outChannels()}, new float[conv.outChannels()]));
    }

    /**
     * Adds or replaces a tensor; the array is created on this set's manager and tracks gradients.
     */
    public NDArray put(String name, FloatTensor value) {
        NDArray array = manager.create(value.data(), new Shape(value.shape()));
        array.setRequiresGradient(true);
        NDArray old = arrays.put(name, array);
        if (old != null) {
            old.close();
        }
        return array;
    }

    public NDArray get(String name) {
        NDArray array = arrays.get(name);
        if (array == null) {
            throw new IllegalArgumentException(
                    "no parameter named " + name + "; have " + arrays.keySet());
        }
        return array;
    }

    public Map<String, NDArray> arrays() {
        return Collections.unmodifiableMap(arrays);
    }

    /** Copies every tensor to the Java heap. */
    public Map<String, FloatTensor> snapshot() {
        Map<String, FloatTensor> copy = new LinkedHashMap<>();
        arrays.forEach((name, array) -> copy.put(name, toTensor(array)));
        return copy;
    }

    public static FloatTensor toTensor(NDArray array) {
        return new FloatTensor(array.getShape().getShape(), array.toFloatArray());
    }

    public long count() {
        long total = 0;
        for (NDArray array : arrays.values()) {
            total += array.size();
        }
        return total;
    }
}
