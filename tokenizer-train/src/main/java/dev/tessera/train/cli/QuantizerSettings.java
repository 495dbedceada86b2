package dev.tessera.train.cli;

import picocli.CommandLine.Option;

/**
 * The quantizers' own settings ({@code @Mixin}): GM-VQ's, and those of the baselines vq, vq-ema and
 * fsq; part of {@link TrainSettings}. Unset values take the quantizer's defaults, which depend on
 * the codebook size and code dimension.
 */
final class QuantizerSettings {

    @Option(
            names = "--gamma",
            paramLabel = "G",
            description =
                    "GM-VQ: weight of the expected squared distance to the codes (default 1.0)")
    Double gamma;

    @Option(
            names = "--tau0",
            paramLabel = "T",
            description =
                    "GM-VQ: Gumbel-softmax temperature at the start, annealed to --tau-min"
                            + " (default 1.0)")
    Double tau0;

    @Option(
            names = "--tau-min",
            paramLabel = "T",
            description = "GM-VQ: Gumbel-softmax temperature at the end (default 0.1)")
    Double tauMin;

    @Option(
            names = "--posterior-variance",
            paramLabel = "V",
            description =
                    "GM-VQ: sigma_q^2 of the logits; 0 estimates it at initialisation (default 0)")
    Double posteriorVariance;

    @Option(
            names = "--learn-posterior-variance",
            description = "GM-VQ: train log sigma_q^2 (a posterior-collapse risk; reported)")
    boolean learnPosteriorVariance;

    @Option(
            names = "--noise-variance",
            paramLabel = "S",
            description = "GM-VQ: sigma^2 of the adaptive-variance noise (default 0.5)")
    Double noiseVariance;

    @Option(
            names = "--soft-gumbel",
            description =
                    "GM-VQ: train with the soft Gumbel-softmax sample instead of straight-through")
    boolean softGumbel;

    @Option(
            names = "--commitment",
            paramLabel = "C",
            description = "vq, vq-ema: commitment weight (default 0.25)")
    Double commitment;

    @Option(
            names = "--ema-decay",
            paramLabel = "D",
            description = "vq-ema: EMA decay (default 0.99)")
    Double emaDecay;

    @Option(
            names = "--dead-threshold",
            paramLabel = "N",
            description = "vq-ema: reset codes whose EMA count is below N (default 2)")
    Double deadThreshold;

    @Option(
            names = "--fsq-levels",
            paramLabel = "8,8,8",
            description = "fsq: levels per dimension (default: from --codebook-size)")
    String fsqLevels;
}
