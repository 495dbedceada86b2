package dev.tessera.train.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small plain network ({@code --arch conv}): ReLU convolutions of one width, strided down and
 * nearest-upsampled back, {@code residualBlocks} residual blocks at the latent resolution, and
 * {@code depth} convolutions per resolution stage (the strided or upsampling one plus depth − 1).
 */
public record ConvBackbone(int width, int downsample, int residualBlocks, int depth)
        implements Backbone {

    public static final String FAMILY = "conv";

    public ConvBackbone {
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be at least 1, got " + depth);
        }
        if (width < 1 || residualBlocks < 0) {
            throw new IllegalArgumentException("width must be positive, residual blocks >= 0");
        }
        checkDownsample(downsample);
    }

    static void checkDownsample(int downsample) {
        if (downsample < 2 || Integer.bitCount(downsample) != 1) {
            throw new IllegalArgumentException(
                    "downsampling factor must be a power of two >= 2, got " + downsample);
        }
    }

    @Override
    public String family() {
        return FAMILY;
    }

    @Override
    public ConvBackbone withWidth(int newWidth) {
        return new ConvBackbone(newWidth, downsample, residualBlocks, depth);
    }

    private int stages() {
        return Integer.numberOfTrailingZeros(downsample);
    }

    @Override
    public List<Layer> encoder(int imageChannels, int codeDim) {
        List<Layer> layers = new ArrayList<>();
        layers.add(new Layer.Conv("encoder.stem", imageChannels, width, 3, 1));
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

    @Override
    public List<Layer> decoder(int codeDim, int imageChannels) {
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
        layers.add(new Layer.Conv("decoder.head", width, imageChannels, 3, 1));
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

    @Override
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("arch", FAMILY);
        m.put("width", String.valueOf(width));
        m.put("downsample", String.valueOf(downsample));
        m.put("residual_blocks", String.valueOf(residualBlocks));
        m.put("depth", String.valueOf(depth));
        return m;
    }
}
