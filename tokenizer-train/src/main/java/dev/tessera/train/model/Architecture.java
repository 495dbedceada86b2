package dev.tessera.train.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shape of a tokenizer: image channels and size, the code dimension L, and the {@link Backbone}
 * (network family and its settings) that turns them into encoder and decoder layers.
 */
public record Architecture(
        int channels, int imageHeight, int imageWidth, int codeDim, Backbone backbone) {

    /**
     * A {@link ConvBackbone} architecture: {@code width} channels, {@code residualBlocks} residual
     * blocks at the latent resolution and {@code depth} convolutions per resolution stage.
     */
    public Architecture(
            int channels,
            int imageHeight,
            int imageWidth,
            int width,
            int downsample,
            int codeDim,
            int residualBlocks,
            int depth) {
        this(
                channels,
                imageHeight,
                imageWidth,
                codeDim,
                new ConvBackbone(width, downsample, residualBlocks, depth));
    }

    /** A {@link ConvBackbone} architecture of depth 1: one convolution per resolution stage. */
    public Architecture(
            int channels,
            int imageHeight,
            int imageWidth,
            int width,
            int downsample,
            int codeDim,
            int residualBlocks) {
        this(channels, imageHeight, imageWidth, width, downsample, codeDim, residualBlocks, 1);
    }

    public Architecture {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (codeDim < 1) {
            throw new IllegalArgumentException("code dimension must be positive, got " + codeDim);
        }
        java.util.Objects.requireNonNull(backbone, "backbone");
        int downsample = backbone.downsample();
        if (imageHeight % downsample != 0 || imageWidth % downsample != 0) {
            throw new IllegalArgumentException(
                    "image size "
                            + imageHeight
                            + "x"
                            + imageWidth
                            + " is not divisible by the downsampling factor "
                            + downsample);
        }
    }

    /** The same network for images of another size and channel count. */
    public Architecture forImages(int imageChannels, int height, int width) {
        if (imageHeight == height && imageWidth == width && channels == imageChannels) {
            return this;
        }
        int downsample = downsample();
        if (height % downsample != 0 || width % downsample != 0) {
            throw new IllegalArgumentException(
                    "images of "
                            + height
                            + "x"
                            + width
                            + " are not divisible by the downsampling factor "
                            + downsample
                            + "; pick another --downsample (or --channel-mult) or resize with"
                            + " --image-size");
        }
        return new Architecture(imageChannels, height, width, codeDim, backbone);
    }

    /** The same architecture with the backbone's base width replaced. */
    public Architecture withWidth(int width) {
        return new Architecture(
                channels, imageHeight, imageWidth, codeDim, backbone.withWidth(width));
    }

    /** Channels of the backbone's first stage. */
    public int width() {
        return backbone.width();
    }

    public int downsample() {
        return backbone.downsample();
    }

    public int gridHeight() {
        return imageHeight / downsample();
    }

    public int gridWidth() {
        return imageWidth / downsample();
    }

    /** Encoder: image in [-1, 1], [N, C, H, W] → continuous codes ẑ, [N, L, h, w]. */
    public List<Layer> encoderLayers() {
        List<Layer> layers = backbone.encoder(channels, codeDim);
        Layer.channelsAfter(layers, channels);
        return layers;
    }

    /** Decoder: codes [N, L, h, w] → pixels in [0, 1] (unclamped), [N, C, H, W]. */
    public List<Layer> decoderLayers() {
        List<Layer> layers = backbone.decoder(codeDim, channels);
        Layer.channelsAfter(layers, codeDim);
        return layers;
    }

    /** The backbone's settings with the code dimension, for manifests and reports. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>(backbone.describe());
        m.put("code_dim", String.valueOf(codeDim));
        return m;
    }

    /** Every convolution of a layer list, nested layers unrolled, in order. */
    public static List<Layer.Conv> convolutions(List<Layer> layers) {
        List<Layer.Conv> convs = new ArrayList<>();
        for (Layer layer : layers) {
            if (layer instanceof Layer.Conv conv) {
                convs.add(conv);
            } else if (layer instanceof Layer.Residual res) {
                convs.addAll(convolutions(res.branch()));
                if (res.shortcut() != null) {
                    convs.add(res.shortcut());
                }
            } else if (layer instanceof Layer.Attention attention) {
                convs.addAll(List.of(attention.query(), attention.key(), attention.value()));
            }
        }
        return convs;
    }

    /** Every trainable tensor of a layer list by name, with its shape, in order. */
    public static Map<String, long[]> parameterShapes(List<Layer> layers) {
        return Layer.shapesOf(layers);
    }

    /** Number of trainable values (weights, biases, norm scales and shifts) of a layer list. */
    public static long parameterCount(List<Layer> layers) {
        long count = 0;
        for (long[] shape : parameterShapes(layers).values()) {
            long size = 1;
            for (long d : shape) {
                size *= d;
            }
            count += size;
        }
        return count;
    }
}
