package dev.tessera.train.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Shape of a convolutional tokenizer: image size and channels, the width of the hidden layers, the
 * downsampling factor (a power of two), the code dimension L, the number of residual blocks at the
 * latent resolution, and the depth: convolutions per resolution stage (the strided or upsampling
 * one plus depth − 1 more).
 */
public record Architecture(
        int channels,
        int imageHeight,
        int imageWidth,
        int width,
        int downsample,
        int codeDim,
        int residualBlocks,
        int depth) {

    /** An architecture of depth 1: one convolution per resolution stage. */
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
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be at least 1, got " + depth);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (width < 1 || codeDim < 1 || residualBlocks < 0) {
            throw new IllegalArgumentException(
                    "width and code dimension must be positive, residual blocks >= 0");
        }
        if (downsample < 2 || Integer.bitCount(downsample) != 1) {
            throw new IllegalArgumentException(
                    "downsampling factor must be a power of two >= 2, got " + downsample);
        }
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
        if (height % downsample != 0 || width % downsample != 0) {
            throw new IllegalArgumentException(
                    "images of "
                            + height
                            + "x"
                            + width
                            + " are not divisible by the downsampling factor "
                            + downsample
                            + "; pick another --downsample or resize with --image-size");
        }
        return new Architecture(
                imageChannels,
                height,
                width,
                this.width,
                downsample,
                codeDim,
                residualBlocks,
                depth);
    }

    public int gridHeight() {
        return imageHeight / downsample;
    }

    public int gridWidth() {
        return imageWidth / downsample;
    }

    private int stages() {
        return Integer.numberOfTrailingZeros(downsample);
    }

    /** Encoder: image in [-1, 1], [N, C, H, W] → continuous codes ẑ, [N, L, h, w]. */
    public List<Layer> encoderLayers() {
        List<Layer> layers = new ArrayList<>();
        layers.add(new Layer.Conv("encoder.stem", channels, width, 3, 1));
        for (int s = 0; s < stages(); s++) {
            layers.add(new Layer.Relu());
            layers.add(new Layer.Conv("encoder.down" + s, width, width, 3, 2));
            addStageConvolutions(layers, "encoder.down" + s);
        }
        addResidualBlocks(layers, "encoder");
        layers.add(new Layer.Relu());
        layers.add(new Layer.Conv("encoder.head", width, codeDim, 1, 1));
        return List.copyOf(layers);
    }

    /** Decoder: codes [N, L, h, w] → pixels in [0, 1] (unclamped), [N, C, H, W]. */
    public List<Layer> decoderLayers() {
        List<Layer> layers = new ArrayList<>();
        layers.add(new Layer.Conv("decoder.stem", codeDim, width, 3, 1));
        addResidualBlocks(layers, "decoder");
        for (int s = 0; s < stages(); s++) {
            layers.add(new Layer.Relu());
            layers.add(new Layer.Upsample(2));
            layers.add(new Layer.Conv("decoder.up" + s, width, width, 3, 1));
            addStageConvolutions(layers, "decoder.up" + s);
        }
        layers.add(new Layer.Relu());
        layers.add(new Layer.Conv("decoder.head", width, channels, 3, 1));
        return List.copyOf(layers);
    }

    private void addStageConvolutions(List<Layer> layers, String stage) {
        for (int d = 1; d < depth; d++) {
            layers.add(new Layer.Relu());
            layers.add(new Layer.Conv(stage + ".conv" + d, width, width, 3, 1));
        }
    }

    private void addResidualBlocks(List<Layer> layers, String prefix) {
        for (int r = 0; r < residualBlocks; r++) {
            layers.add(
                    new Layer.Residual(
                            new Layer.Conv(prefix + ".res" + r + ".a", width, width, 3, 1),
                            new Layer.Conv(prefix + ".res" + r + ".b", width, width, 3, 1)));
        }
    }

    /** Every convolution of a layer list, residual blocks unrolled, in order. */
    public static List<Layer.Conv> convolutions(List<Layer> layers) {
        List<Layer.Conv> convs = new ArrayList<>();
        for (Layer layer : layers) {
            if (layer instanceof Layer.Conv conv) {
                convs.add(conv);
            } else if (layer instanceof Layer.Residual res) {
                convs.add(res.first());
                convs.add(res.second());
            }
        }
        return convs;
    }

    /** Number of weights and biases of a layer list. */
    public static long parameterCount(List<Layer> layers) {
        long count = 0;
        for (Layer.Conv conv : convolutions(layers)) {
            count += (long) conv.outChannels() * conv.fanIn() + conv.outChannels();
        }
        return count;
    }
}
