package dev.tessera.train.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensors of a tokenizer by name, in a fixed order: trainable parameters, and buffers (state
 * that is saved and exported with the parameters but not trained by gradient, such as an EMA
 * codebook). Arrays belong to the manager given at construction; the set is closed with it.
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
     * Adds or replaces a tensor; the array is created on this set's manager and tracks gradients.
     */
    public NDArray put(String name, FloatTensor value) {
        return add(name, value, true);
    }

    /**
     * Adds or replaces a buffer: saved and restored with the parameters, never given a gradient.
     */
    public NDArray putBuffer(String name, FloatTensor value) {
        return add(name, value, false);
    }

    /** Whether {@code name} is trained by gradient (false for buffers). */
    public boolean trainable(String name) {
        return get(name).hasGradient();
    }

    /** Overwrites the values of an existing buffer in place. */
    public void assign(String name, FloatTensor value) {
        NDArray array = get(name);
        if (array.hasGradient()) {
            throw new IllegalArgumentException(
                    name + " is a trained parameter; only buffers are assigned");
        }
        if (!java.util.Arrays.equals(array.getShape().getShape(), value.shape())) {
            throw new IllegalArgumentException(
                    "tensor "
                            + name
                            + " has shape "
                            + array.getShape()
                            + ", cannot assign "
                            + new Shape(value.shape()));
        }
        array.set(value.data());
    }

    private NDArray add(String name, FloatTensor value, boolean trainable) {
        NDArray array = manager.create(value.data(), new Shape(value.shape()));
        if (trainable) {
            array.setRequiresGradient(true);
        }
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

    /** Names of the buffers (tensors not trained by gradient). */
    public java.util.Set<String> bufferNames() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        arrays.forEach(
                (name, array) -> {
                    if (!array.hasGradient()) {
                        names.add(name);
                    }
                });
        return names;
    }

    /**
     * Adds every tensor of {@code saved}, in its order; those named in {@code buffers} as buffers.
     */
    public void load(Map<String, FloatTensor> saved, java.util.Set<String> buffers) {
        saved.forEach((name, value) -> add(name, value, !buffers.contains(name)));
    }

    /**
     * A copy of every tensor on {@code target}'s device, owned by it, trainable where this set's
     * tensor is: the replica one data-parallel worker computes gradients on.
     */
    public ParameterSet replicate(NDManager target) {
        ParameterSet copy = new ParameterSet(target);
        arrays.forEach(
                (name, array) -> {
                    NDArray replica = array.stopGradient().toDevice(target.getDevice(), true);
                    replica.attach(target);
                    if (array.hasGradient()) {
                        replica.setRequiresGradient(true);
                    }
                    copy.arrays.put(name, replica);
                });
        return copy;
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

    /** Number of trainable values. */
    public long count() {
        long total = 0;
        for (NDArray array : arrays.values()) {
            if (array.hasGradient()) {
                total += array.size();
            }
        }
        return total;
    }
}
