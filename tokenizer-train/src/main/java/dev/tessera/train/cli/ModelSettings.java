package dev.tessera.train.cli;

import dev.tessera.cli.CommandLines;
import dev.tessera.train.model.Backbone;
import dev.tessera.train.model.ConvBackbone;
import dev.tessera.train.model.ResNetBackbone;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.Locale;

/**
 * The network and the kind of quantizer of a training run ({@code @Mixin}); part of {@link
 * TrainSettings}. Unset sizes take the defaults of the {@code --arch} family, which refuses the
 * other family's settings.
 */
final class ModelSettings {

    static final String DEFAULT_CHANNEL_MULT = "1,2,2";

    @Option(
            names = "--quantizer",
            paramLabel = "Q",
            description = "gmvq (default), vq, vq-ema or fsq")
    String quantizer = "gmvq";

    @Option(
            names = "--code-dim",
            paramLabel = "L",
            description = "dimension of each code (default 8; fsq: the number of levels)")
    int codeDim = 8;

    @Option(
            names = "--arch",
            paramLabel = "conv|resnet",
            description =
                    "conv: the small plain ReLU network (default); resnet: VQGAN-style"
                            + " GroupNorm/SiLU residual encoder and decoder")
    String arch = ConvBackbone.FAMILY;

    @Option(
            names = "--width",
            paramLabel = "W",
            description = "hidden channels (resnet: of the first level) (default 32)")
    Integer width;

    @Option(
            names = "--downsample",
            paramLabel = "F",
            description = "conv: image side / latent grid side, 2, 4 or 8 (default 4)")
    Integer downsample;

    @Option(
            names = "--depth",
            paramLabel = "D",
            description = "conv: convolutions per resolution stage (default 1)")
    Integer depth;

    @Option(
            names = "--residual-blocks",
            paramLabel = "R",
            description = "conv: residual blocks at the latent resolution (default 1)")
    Integer residualBlocks;

    @Option(
            names = "--channel-mult",
            paramLabel = "1,2,2",
            description =
                    "resnet: channel multiplier per resolution level; n levels downsample by"
                            + " 2^(n-1) (default "
                            + DEFAULT_CHANNEL_MULT
                            + ")")
    String channelMult;

    @Option(
            names = "--blocks-per-level",
            paramLabel = "N",
            description = "resnet: residual blocks per level (default 2)")
    Integer blocksPerLevel;

    @Option(names = "--attention", description = "resnet: self-attention at the lowest resolution")
    boolean attention;

    /**
     * The {@code --arch} family with its settings.
     *
     * @throws picocli.CommandLine.ParameterException of {@code command} for the other family's
     *     settings or an unknown family
     */
    Backbone backbone(CommandSpec command) {
        String family = arch.toLowerCase(Locale.ROOT);
        switch (family) {
            case ConvBackbone.FAMILY -> {
                refuse(command, family, "--channel-mult", channelMult);
                refuse(command, family, "--blocks-per-level", blocksPerLevel);
                refuse(command, family, "--attention", attention ? true : null);
                return new ConvBackbone(
                        or(width, 32), or(downsample, 4), or(residualBlocks, 1), or(depth, 1));
            }
            case ResNetBackbone.FAMILY -> {
                refuse(command, family, "--residual-blocks", residualBlocks);
                refuse(command, family, "--depth", depth);
                String mult = channelMult != null ? channelMult : DEFAULT_CHANNEL_MULT;
                ResNetBackbone backbone =
                        new ResNetBackbone(
                                or(width, 32),
                                Arrays.stream(
                                                TrainSettings.integers(
                                                        command, "--channel-mult", mult))
                                        .boxed()
                                        .toList(),
                                or(blocksPerLevel, 2),
                                attention);
                if (downsample != null && downsample != backbone.downsample()) {
                    throw CommandLines.usageError(
                            command,
                            "--arch resnet downsamples by 2^(levels-1) = "
                                    + backbone.downsample()
                                    + " with --channel-mult "
                                    + mult
                                    + "; drop --downsample or give one multiplier per level");
                }
                return backbone;
            }
            default ->
                    throw CommandLines.usageError(
                            command, "--arch must be conv or resnet, got '" + family + "'");
        }
    }

    private static void refuse(CommandSpec command, String family, String option, Object value) {
        if (value != null) {
            throw CommandLines.usageError(command, option + " does not apply to --arch " + family);
        }
    }

    private static int or(Integer given, int fallback) {
        return given != null ? given : fallback;
    }
}
