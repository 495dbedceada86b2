package dev.tessera.train.model;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Initialisation that keeps activations at unit scale at any width and depth, in both families.
 *
 * <ul>
 *   <li>Convolution weights are uniform with variance gain² / fan_in, the gain restoring the second
 *       moment the preceding activation removed: √2 after ReLU (He), 1.677 after SiLU (1 /
 *       √E[silu(z)²] for z ~ N(0, 1)), 1 after a norm, an upsampling or at the input. Each layer
 *       then passes on the mean square it receives, whatever its fan-in.
 *   <li>The last convolution of every residual branch starts at zero, so every block starts as the
 *       identity and stacking blocks does not grow the activations (as in Fixup and SkipInit; the
 *       residual's gradient is unchanged).
 *   <li>Norm scales start at 1, biases and norm shifts at 0.
 * </ul>
 *
 * <p>Unit-scale weights alone do not keep the first updates small: Adam moves every weight by about
 * the learning rate at once, which changes a wide layer's output by about lr × fan_in times its
 * input scale. That is the optimiser's business (learning-rate warm-up), not the initialisation's.
 */
public final class WeightInit {

    /** Gain after a ReLU: its output keeps half the mean square of a symmetric input. */
    public static final double RELU_GAIN = Math.sqrt(2);

    /** Gain after a SiLU: E[silu(z)²] = 0.35578 for z ~ N(0, 1). */
    public static final double SILU_GAIN = 1.6765324703;

    private final ParameterSet params;
    private final SplittableRandom random;

    private WeightInit(ParameterSet params, long seed) {
        this.params = params;
        this.random = new SplittableRandom(seed);
    }

    /**
     * Adds the parameters of {@code layers} to {@code params}, initialised from {@code seed}; the
     * last convolution of the list is scaled by {@code outputScale} (0: the list's output starts at
     * its bias).
     */
    public static void init(
            ParameterSet params, List<Layer> layers, long seed, double outputScale) {
        List<Layer.Conv> convs = Architecture.convolutions(layers);
        Layer.Conv output = convs.get(convs.size() - 1);
        new WeightInit(params, seed).layers(layers, output, outputScale);
    }

    private void layers(List<Layer> layers, Layer.Conv output, double outputScale) {
        double gain = 1;
        for (Layer layer : layers) {
            if (layer instanceof Layer.Conv conv) {
                conv(conv, conv == output ? gain * outputScale : gain);
            } else if (layer instanceof Layer.GroupNorm norm) {
                norm(norm);
            } else if (layer instanceof Layer.Residual res) {
                layers(res.branch(), res.lastConv(), 0);
                if (res.shortcut() != null) {
                    conv(res.shortcut(), 1);
                }
            } else if (layer instanceof Layer.Attention attention) {
                conv(attention.query(), 1);
                conv(attention.key(), 1);
                conv(attention.value(), 1);
            }
            gain =
                    layer instanceof Layer.Relu
                            ? RELU_GAIN
                            : layer instanceof Layer.Silu ? SILU_GAIN : 1;
        }
    }

    private void conv(Layer.Conv conv, double gain) {
        int fanIn = conv.fanIn();
        float[] w = new float[conv.outChannels() * fanIn];
        double bound = gain * Math.sqrt(3.0 / fanIn);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        put(conv.weightName(), conv, w);
        put(conv.biasName(), conv, new float[conv.outChannels()]);
    }

    private void norm(Layer.GroupNorm norm) {
        float[] ones = new float[norm.channels()];
        java.util.Arrays.fill(ones, 1f);
        put(norm.weightName(), norm, ones);
        put(norm.biasName(), norm, new float[norm.channels()]);
    }

    private void put(String name, Layer layer, float[] values) {
        params.put(name, new FloatTensor(layer.parameterShapes().get(name), values));
    }
}
