package dev.tessera.train.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One step of an encoder or decoder. The same list of layers drives the DJL forward pass used in
 * training ({@link ConvNet}), the ONNX graph written at export, the weight initialisation and the
 * parameter count, so none of them can describe a different network.
 */
public sealed interface Layer
        permits Layer.Conv,
                Layer.Relu,
                Layer.Silu,
                Layer.GroupNorm,
                Layer.Upsample,
                Layer.Residual,
                Layer.Attention {

    /**
     * Channels this layer outputs for {@code in} input channels.
     *
     * @throws IllegalArgumentException if the layer cannot take {@code in} channels
     */
    int outChannels(int in);

    /** Trainable tensors of this layer (nested layers included) by name, with their shapes. */
    default Map<String, long[]> parameterShapes() {
        return Map.of();
    }

    /**
     * 2-D convolution with square kernel, zero padding {@code kernel / 2} on every side, bias.
     * Parameters are named {@code name + ".weight"} ([out, in, k, k]) and {@code name + ".bias"}
     * ([out]).
     */
    record Conv(String name, int inChannels, int outChannels, int kernel, int stride)
            implements Layer {
        public Conv {
            checkName(name);
            if (inChannels < 1 || outChannels < 1) {
                throw new IllegalArgumentException(name + ": channels must be positive");
            }
            if (kernel < 1 || kernel % 2 == 0) {
                throw new IllegalArgumentException(name + ": kernel must be odd, got " + kernel);
            }
            if (stride < 1) {
                throw new IllegalArgumentException(
                        name + ": stride must be positive, got " + stride);
            }
        }

        public int padding() {
            return kernel / 2;
        }

        public String weightName() {
            return name + ".weight";
        }

        public String biasName() {
            return name + ".bias";
        }

        public int fanIn() {
            return inChannels * kernel * kernel;
        }

        @Override
        public int outChannels(int in) {
            expectChannels(name, inChannels, in);
            return outChannels;
        }

        @Override
        public Map<String, long[]> parameterShapes() {
            return weightAndBias(
                    weightName(),
                    new long[] {outChannels, inChannels, kernel, kernel},
                    biasName(),
                    new long[] {outChannels});
        }
    }

    /** Rectified linear unit. */
    record Relu() implements Layer {
        @Override
        public int outChannels(int in) {
            return in;
        }
    }

    /** SiLU (swish): {@code x · sigmoid(x)}. */
    record Silu() implements Layer {
        @Override
        public int outChannels(int in) {
            return in;
        }
    }

    /**
     * Group normalisation: the channels are split into {@code groups} groups, each normalised to
     * zero mean and unit variance over its channels and all positions (ε = {@value #EPSILON}), then
     * scaled and shifted per channel by {@code name + ".weight"} and {@code name + ".bias"} ([C]).
     */
    record GroupNorm(String name, int channels, int groups) implements Layer {

        /** Added to the variance; the value VQGAN and LlamaGen use. */
        public static final float EPSILON = 1e-6f;

        /** The most groups any norm has. */
        public static final int MAX_GROUPS = 32;

        public GroupNorm {
            checkName(name);
            if (channels < 1 || groups < 1 || channels % groups != 0) {
                throw new IllegalArgumentException(
                        name
                                + ": "
                                + channels
                                + " channels do not split into "
                                + groups
                                + " groups");
            }
        }

        /**
         * A norm over {@code channels} with the usual group count: at most {@value #MAX_GROUPS}
         * groups and at least two channels in each (fewer groups when channels are few).
         */
        public static GroupNorm of(String name, int channels) {
            int groups = 1;
            for (int g = Math.min(MAX_GROUPS, channels / 2); g >= 1; g--) {
                if (channels % g == 0) {
                    groups = g;
                    break;
                }
            }
            return new GroupNorm(name, channels, groups);
        }

        public String weightName() {
            return name + ".weight";
        }

        public String biasName() {
            return name + ".bias";
        }

        @Override
        public int outChannels(int in) {
            expectChannels(name, channels, in);
            return channels;
        }

        @Override
        public Map<String, long[]> parameterShapes() {
            return weightAndBias(
                    weightName(), new long[] {channels}, biasName(), new long[] {channels});
        }
    }

    /** Nearest-neighbour upsampling by an integer factor on both spatial axes. */
    record Upsample(int factor) implements Layer {
        public Upsample {
            if (factor < 2) {
                throw new IllegalArgumentException(
                        "upsample factor must be at least 2, got " + factor);
            }
        }

        @Override
        public int outChannels(int in) {
            return in;
        }
    }

    /**
     * {@code shortcut(x) + branch(x)}: the branch is a list of layers, the shortcut a 1×1
     * convolution when the branch changes the channel count and the identity (null) otherwise.
     * Neither may change the resolution.
     */
    record Residual(List<Layer> branch, Conv shortcut) implements Layer {
        public Residual {
            branch = List.copyOf(branch);
            if (branch.isEmpty()) {
                throw new IllegalArgumentException("a residual branch needs at least one layer");
            }
            for (Layer layer : branch) {
                if (layer instanceof Conv conv && conv.stride() != 1 || layer instanceof Upsample) {
                    throw new IllegalArgumentException(
                            "a residual branch must keep the resolution: " + layer);
                }
            }
            if (shortcut != null && (shortcut.kernel() != 1 || shortcut.stride() != 1)) {
                throw new IllegalArgumentException(
                        shortcut.name() + ": a shortcut is a 1x1 convolution of stride 1");
            }
            int in = inChannels(branch);
            int out = channelsAfter(branch, in);
            int shortcutOut = shortcut == null ? in : shortcut.outChannels(in);
            if (out != shortcutOut) {
                throw new IllegalArgumentException(
                        "residual branch ends with "
                                + out
                                + " channels but its shortcut gives "
                                + shortcutOut);
            }
        }

        /**
         * The conv family's block, {@code x + second(relu(first(relu(x))))}: both convolutions keep
         * the channel count.
         */
        public Residual(Conv first, Conv second) {
            this(List.of(new Relu(), first, new Relu(), second), null);
        }

        /** Channels the block takes: those of the first layer in the branch that fixes them. */
        public int inChannels() {
            return inChannels(branch);
        }

        /** The last convolution of the branch: the one that starts at zero. */
        public Conv lastConv() {
            for (int i = branch.size() - 1; i >= 0; i--) {
                if (branch.get(i) instanceof Conv conv) {
                    return conv;
                }
            }
            throw new IllegalStateException("residual branch without a convolution");
        }

        private static int inChannels(List<Layer> layers) {
            for (Layer layer : layers) {
                if (layer instanceof Conv conv) {
                    return conv.inChannels();
                } else if (layer instanceof GroupNorm norm) {
                    return norm.channels();
                } else if (layer instanceof Attention attention) {
                    return attention.channels();
                } else if (layer instanceof Residual residual) {
                    return residual.inChannels();
                }
            }
            throw new IllegalArgumentException("residual branch with no layer that has channels");
        }

        @Override
        public int outChannels(int in) {
            expectChannels("residual block", inChannels(), in);
            return shortcut == null ? in : shortcut.outChannels();
        }

        @Override
        public Map<String, long[]> parameterShapes() {
            List<Layer> all = new ArrayList<>(branch);
            if (shortcut != null) {
                all.add(shortcut);
            }
            return shapesOf(all);
        }
    }

    /**
     * Single-head self-attention over all positions: {@code softmax(qᵀk / √C) v} with q, k and v
     * from 1×1 convolutions of the input; the output projection is a separate convolution after it.
     */
    record Attention(Conv query, Conv key, Conv value) implements Layer {
        public Attention {
            for (Conv conv : List.of(query, key, value)) {
                if (conv.kernel() != 1
                        || conv.stride() != 1
                        || conv.inChannels() != query.inChannels()
                        || conv.outChannels() != query.inChannels()) {
                    throw new IllegalArgumentException(
                            conv.name() + ": attention projections are 1x1 and keep the channels");
                }
            }
        }

        public int channels() {
            return query.inChannels();
        }

        @Override
        public int outChannels(int in) {
            expectChannels(query.name(), channels(), in);
            return in;
        }

        @Override
        public Map<String, long[]> parameterShapes() {
            return shapesOf(List.of(query, key, value));
        }
    }

    /** Channels after running {@code layers} on {@code in} channels; checks every layer. */
    static int channelsAfter(List<Layer> layers, int in) {
        int channels = in;
        for (Layer layer : layers) {
            channels = layer.outChannels(channels);
        }
        return channels;
    }

    /** Every trainable tensor of {@code layers} by name, in order. */
    static Map<String, long[]> shapesOf(List<Layer> layers) {
        Map<String, long[]> shapes = new java.util.LinkedHashMap<>();
        for (Layer layer : layers) {
            layer.parameterShapes()
                    .forEach(
                            (name, shape) -> {
                                if (shapes.put(name, shape) != null) {
                                    throw new IllegalArgumentException(
                                            "two layers name the parameter " + name);
                                }
                            });
        }
        return shapes;
    }

    private static Map<String, long[]> weightAndBias(
            String weight, long[] weightShape, String bias, long[] biasShape) {
        Map<String, long[]> shapes = new java.util.LinkedHashMap<>();
        shapes.put(weight, weightShape);
        shapes.put(bias, biasShape);
        return shapes;
    }

    private static void checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("layer name must not be blank");
        }
    }

    private static void expectChannels(String name, int expected, int actual) {
        if (expected != actual) {
            throw new IllegalArgumentException(
                    name + " takes " + expected + " channels, got " + actual);
        }
    }
}
