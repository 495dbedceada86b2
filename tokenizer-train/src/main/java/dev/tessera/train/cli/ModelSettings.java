package dev.tessera.train.cli;

import picocli.CommandLine.Option;

/**
 * The network and the kind of quantizer of a training run ({@code @Mixin}); part of {@link
 * TrainSettings}.
 */
final class ModelSettings {

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
            names = "--width",
            paramLabel = "W",
            description = "channels of the hidden layers (default ${DEFAULT-VALUE})")
    int width = 32;

    @Option(
            names = "--depth",
            paramLabel = "D",
            description = "convolutions per resolution stage (default ${DEFAULT-VALUE})")
    int depth = 1;

    @Option(
            names = "--downsample",
            paramLabel = "F",
            description = "image side / latent grid side: 2, 4 or 8 (default ${DEFAULT-VALUE})")
    int downsample = 4;

    @Option(
            names = "--residual-blocks",
            paramLabel = "R",
            description = "residual blocks at the latent resolution (default ${DEFAULT-VALUE})")
    int residualBlocks = 1;
}
