package dev.tessera.train.model;

import java.util.List;
import java.util.Map;

/**
 * The family and shape of a tokenizer's encoder and decoder, independent of the images and the code
 * dimension: it turns those into the {@link Layer} lists that both training and export run.
 */
public sealed interface Backbone permits ConvBackbone, ResNetBackbone {

    /** The family's name, as {@code --arch} takes it. */
    String family();

    /** Channels of the first (highest-resolution) stage. */
    int width();

    /** Image side / latent grid side: a power of two. */
    int downsample();

    /** The same backbone with another base width (channel multipliers and depth unchanged). */
    Backbone withWidth(int width);

    /** Encoder: image in [-1, 1], [N, imageChannels, H, W] → ẑ, [N, codeDim, h, w]. */
    List<Layer> encoder(int imageChannels, int codeDim);

    /**
     * Decoder: codes [N, codeDim, h, w] → pixels in [0, 1] (unclamped), [N, imageChannels, H, W].
     */
    List<Layer> decoder(int codeDim, int imageChannels);

    /** The settings that define this backbone, for manifests and reports. */
    Map<String, String> describe();
}
