package dev.tessera.train.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The VQGAN / LlamaGen encoder and decoder ({@code --arch resnet}). One resolution level per
 * channel multiplier, each with {@code blocksPerLevel} residual blocks (GroupNorm, SiLU, 3×3
 * convolution, twice; a 1×1 shortcut where the channels change) at {@code width × multiplier}
 * channels, a stride-2 convolution between levels; at the lowest resolution a middle of two blocks
 * with optional single-head self-attention between them; then GroupNorm, SiLU and a 3×3 convolution
 * to the code dimension. The decoder mirrors it, with nearest-neighbour upsampling followed by a
 * 3×3 convolution in place of the strided one (DJL's PyTorch engine has no transposed convolution).
 *
 * @param width channels of the first level
 * @param channelMult channel multiplier of each level, highest resolution first; {@code n} levels
 *     downsample by {@code 2^(n−1)}
 * @param blocksPerLevel residual blocks in each level
 * @param attention self-attention in the middle, at the lowest resolution
 */
public record ResNetBackbone(
        int width, List<Integer> channelMult, int blocksPerLevel, boolean attention)
        implements Backbone {

    public static final String FAMILY = "resnet";

    public ResNetBackbone {
        channelMult = List.copyOf(channelMult);
        if (width < 1) {
            throw new IllegalArgumentException("width must be positive, got " + width);
        }
        if (channelMult.size() < 2 || channelMult.stream().anyMatch(m -> m < 1)) {
            throw new IllegalArgumentException(
                    "--channel-mult needs at least two positive multipliers (one per resolution"
                            + " level; n levels downsample by 2^(n-1)), got "
                            + channelMult);
        }
        if (blocksPerLevel < 1) {
            throw new IllegalArgumentException(
                    "--blocks-per-level must be at least 1, got " + blocksPerLevel);
        }
    }

    @Override
    public String family() {
        return FAMILY;
    }

    @Override
    public int downsample() {
        return 1 << (channelMult.size() - 1);
    }

    @Override
    public ResNetBackbone withWidth(int newWidth) {
        return new ResNetBackbone(newWidth, channelMult, blocksPerLevel, attention);
    }

    private int channels(int level) {
        return width * channelMult.get(level);
    }

    @Override
    public List<Layer> encoder(int imageChannels, int codeDim) {
        List<Layer> layers = new ArrayList<>();
        int ch = channels(0);
        layers.add(new Layer.Conv("encoder.stem", imageChannels, ch, 3, 1));
        int last = channelMult.size() - 1;
        for (int level = 0; level <= last; level++) {
            String prefix = "encoder.level" + level;
            ch = addBlocks(layers, prefix, ch, channels(level));
            if (level < last) {
                layers.add(new Layer.Conv(prefix + ".down", ch, ch, 3, 2));
            }
        }
        addMiddle(layers, "encoder.mid", ch);
        addOutput(layers, "encoder", ch, codeDim);
        return List.copyOf(layers);
    }

    @Override
    public List<Layer> decoder(int codeDim, int imageChannels) {
        List<Layer> layers = new ArrayList<>();
        int last = channelMult.size() - 1;
        int ch = channels(last);
        layers.add(new Layer.Conv("decoder.stem", codeDim, ch, 3, 1));
        addMiddle(layers, "decoder.mid", ch);
        for (int level = last; level >= 0; level--) {
            String prefix = "decoder.level" + level;
            ch = addBlocks(layers, prefix, ch, channels(level));
            if (level > 0) {
                layers.add(new Layer.Upsample(2));
                layers.add(new Layer.Conv(prefix + ".up", ch, ch, 3, 1));
            }
        }
        addOutput(layers, "decoder", ch, imageChannels);
        return List.copyOf(layers);
    }

    private int addBlocks(List<Layer> layers, String prefix, int in, int out) {
        int ch = in;
        for (int b = 0; b < blocksPerLevel; b++) {
            layers.add(block(prefix + ".block" + b, ch, out));
            ch = out;
        }
        return ch;
    }

    private void addMiddle(List<Layer> layers, String prefix, int ch) {
        layers.add(block(prefix + ".block0", ch, ch));
        if (attention) {
            String name = prefix + ".attn";
            layers.add(
                    new Layer.Residual(
                            List.of(
                                    Layer.GroupNorm.of(name + ".norm", ch),
                                    new Layer.Attention(
                                            new Layer.Conv(name + ".q", ch, ch, 1, 1),
                                            new Layer.Conv(name + ".k", ch, ch, 1, 1),
                                            new Layer.Conv(name + ".v", ch, ch, 1, 1)),
                                    new Layer.Conv(name + ".proj", ch, ch, 1, 1)),
                            null));
        }
        layers.add(block(prefix + ".block1", ch, ch));
    }

    private static void addOutput(List<Layer> layers, String prefix, int ch, int out) {
        layers.add(Layer.GroupNorm.of(prefix + ".norm", ch));
        layers.add(new Layer.Silu());
        layers.add(new Layer.Conv(prefix + ".head", ch, out, 3, 1));
    }

    /** GroupNorm, SiLU, conv, GroupNorm, SiLU, conv; a 1×1 shortcut when the channels change. */
    private static Layer.Residual block(String name, int in, int out) {
        return new Layer.Residual(
                List.of(
                        Layer.GroupNorm.of(name + ".norm1", in),
                        new Layer.Silu(),
                        new Layer.Conv(name + ".conv1", in, out, 3, 1),
                        Layer.GroupNorm.of(name + ".norm2", out),
                        new Layer.Silu(),
                        new Layer.Conv(name + ".conv2", out, out, 3, 1)),
                in == out ? null : new Layer.Conv(name + ".shortcut", in, out, 1, 1));
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("arch", FAMILY);
        m.put("width", String.valueOf(width));
        m.put(
                "channel_mult",
                channelMult.stream().map(String::valueOf).collect(Collectors.joining(",")));
        m.put("blocks_per_level", String.valueOf(blocksPerLevel));
        m.put("attention", String.valueOf(attention));
        m.put("downsample", String.valueOf(downsample()));
        return m;
    }
}
