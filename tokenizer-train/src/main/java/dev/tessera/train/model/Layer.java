package dev.tessera.train.model;

/**
 * One step of an encoder or decoder. The same list of layers drives the DJL forward pass used in
 * training and the ONNX graph written at export, so the two cannot describe different networks.
 */
public sealed interface Layer permits Layer.Conv, Layer.Relu, Layer.Upsample, Layer.Residual {

    /**
     * 2-D convolution with square kernel, zero padding {@code kernel / 2} on every side, bias.
     * Parameters are named {@code name + ".weight"} ([out, in, k, k]) and {@code name + ".bias"}
     * ([out]).
     */
    record Conv(String name, int inChannels, int outChannels, int kernel, int stride)
            implements Layer {
        public Conv {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("conv name must not be blank");
            }
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
    }

    /** Rectified linear unit. */
    record Relu() implements Layer {}

    /** Nearest-neighbour upsampling by an integer factor on both spatial axes. */
    record Upsample(int factor) implements Layer {
        public Upsample {
            if (factor < 2) {
                throw new IllegalArgumentException(
                        "upsample factor must be at least 2, got " + factor);
            }
        }
    }

    /** {@code x + second(relu(first(relu(x))))}; both convolutions keep the channel count. */
    record Residual(Conv first, Conv second) implements Layer {
        public Residual {
            if (first.stride() != 1
                    || second.stride() != 1
                    || first.inChannels() != second.outChannels()
                    || first.outChannels() != second.inChannels()) {
                throw new IllegalArgumentException(
                        "residual block "
                                + first.name()
                                + " must keep its shape: stride 1 and matching channels");
            }
        }
    }
}
