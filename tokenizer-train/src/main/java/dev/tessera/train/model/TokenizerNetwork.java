package dev.tessera.train.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Encoder and decoder of one architecture, with the pixel conventions the exported graphs share:
 * uint8 pixels p enter the encoder as {@code p * 2/255 - 1}; the decoder predicts pixels in [0, 1],
 * which leave the graph as {@code round(clip(y * 255, 0, 255))}.
 */
public final class TokenizerNetwork {

    /**
     * Multiplier of the encoder's input normalisation, {@code x = p * INPUT_SCALE + INPUT_SHIFT}.
     */
    public static final float INPUT_SCALE = 2f / 255f;

    public static final float INPUT_SHIFT = -1f;

    private final Architecture architecture;
    private final ConvNet encoder;
    private final ConvNet decoder;

    public TokenizerNetwork(Architecture architecture) {
        this.architecture = architecture;
        this.encoder = new ConvNet(architecture.encoderLayers());
        this.decoder = new ConvNet(architecture.decoderLayers());
    }

    public Architecture architecture() {
        return architecture;
    }

    public ConvNet encoder() {
        return encoder;
    }

    public ConvNet decoder() {
        return decoder;
    }

    /**
     * Adds freshly initialised encoder and decoder weights to {@code params} ({@link WeightInit}):
     * ẑ starts at unit scale; the decoder's last convolution starts at zero, so the first
     * reconstruction is black whatever the width and depth, and the first loss is the data's mean
     * square.
     */
    public void initParameters(ParameterSet params, long seed) {
        WeightInit.init(params, encoder.layers(), seed, 1);
        WeightInit.init(params, decoder.layers(), seed + 1, 0);
    }

    /**
     * Names of the parameters weight decay applies to: every convolution kernel of the encoder and
     * decoder; not their biases or norms (and not the quantizer's codebook, which is not here).
     */
    public java.util.Set<String> decayedParameters() {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        for (ConvNet net : java.util.List.of(encoder, decoder)) {
            Architecture.convolutions(net.layers()).forEach(conv -> names.add(conv.weightName()));
        }
        return names;
    }

    /** uint8 (or float 0..255) pixels [N, C, H, W] → the encoder's input in [-1, 1]. */
    public static NDArray normalize(NDArray pixels) {
        NDArray x = pixels.toType(DataType.FLOAT32, false);
        return x.mul(Scalars.like(x, INPUT_SCALE)).add(Scalars.like(x, INPUT_SHIFT));
    }

    /** Normalised images → continuous codes ẑ [N, L, h, w]. */
    public NDArray encode(ParameterSet params, NDArray normalized) {
        return encoder.forward(params, normalized);
    }

    /** Codes [N, L, h, w] → pixel predictions in [0, 1] (not clamped), [N, C, H, W]. */
    public NDArray decode(ParameterSet params, NDArray codes) {
        return decoder.forward(params, codes);
    }

    /** Decoder output → the uint8 values the exported decoder produces, as float32. */
    public static NDArray toPixelLevels(NDArray decoded) {
        return decoded.mul(255f).clip(0f, 255f).round();
    }

    public long encoderParameterCount() {
        return Architecture.parameterCount(encoder.layers());
    }

    public long decoderParameterCount() {
        return Architecture.parameterCount(decoder.layers());
    }
}
