package dev.tessera.train.cli;

import dev.tessera.cli.CommandLines;
import dev.tessera.train.quantize.GmVqConfig;
import dev.tessera.train.quantize.GradientEstimator;
import dev.tessera.train.quantize.PosteriorVarianceMode;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.util.function.Function;

/**
 * The quantizers' own settings ({@code @Mixin}): GM-VQ's, and those of the baselines vq, vq-ema and
 * fsq; part of {@link TrainSettings}. GM-VQ's defaults are {@link GmVqConfig#defaults}'s; unset
 * baseline settings take their quantizer's defaults.
 */
final class QuantizerSettings {

    /** GM-VQ's defaults, which do not depend on the codebook size or the code dimension. */
    static final GmVqConfig GMVQ = GmVqConfig.defaults(TrainSettings.DEFAULT_CODEBOOK, 8);

    @Option(
            names = "--gamma",
            paramLabel = "G",
            description =
                    "GM-VQ: weight of the expected squared distance to the codes (default"
                            + " ${DEFAULT-VALUE})")
    double gamma = GMVQ.gamma();

    @Option(
            names = "--estimator",
            paramLabel = "E",
            description =
                    "GM-VQ: gradient through the sampled code: gumbel (the paper's straight-through"
                            + " Gumbel-softmax), gumbel-soft, posterior-mean, straight-through"
                            + " (default ${DEFAULT-VALUE})")
    String estimator = GMVQ.estimator().flag();

    @Option(
            names = "--tau0",
            paramLabel = "T",
            description =
                    "gumbel, gumbel-soft: temperature at the start, annealed to --tau-min (default"
                            + " ${DEFAULT-VALUE})")
    double tau0 = GMVQ.tau0();

    @Option(
            names = "--tau-min",
            paramLabel = "T",
            description = "gumbel, gumbel-soft: temperature at the end (default ${DEFAULT-VALUE})")
    double tauMin = GMVQ.tauMin();

    @Option(
            names = "--posterior-variance",
            paramLabel = "V",
            description =
                    "GM-VQ: sigma_q^2 of the logits; 0 estimates it at initialisation (default"
                            + " ${DEFAULT-VALUE})")
    double posteriorVariance = GMVQ.posteriorVariance();

    @Option(
            names = "--posterior-variance-mode",
            paramLabel = "fixed|learned|tracked",
            description =
                    "GM-VQ: sigma_q^2 kept, trained by the loss's gradient (a posterior-collapse"
                            + " risk; reported), or re-estimated after every step from the encoder"
                            + " outputs (default ${DEFAULT-VALUE})")
    String posteriorVarianceMode = GMVQ.posteriorVarianceMode().flag();

    @Option(
            names = "--learn-posterior-variance",
            description = "GM-VQ: the same as --posterior-variance-mode learned")
    boolean learnPosteriorVariance;

    @Option(
            names = "--posterior-variance-end",
            paramLabel = "R",
            description =
                    "GM-VQ, fixed: anneal sigma_q^2 to R times its start over training (default"
                            + " ${DEFAULT-VALUE})")
    double posteriorVarianceEnd = GMVQ.posteriorVarianceEnd();

    @Option(
            names = "--noise-variance",
            paramLabel = "S",
            description =
                    "GM-VQ: sigma^2 of the adaptive-variance noise; Infinity: none (default"
                            + " ${DEFAULT-VALUE})")
    double noiseVariance = GMVQ.noiseVariance();

    @Option(names = "--soft-gumbel", description = "GM-VQ: the same as --estimator gumbel-soft")
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

    /**
     * GM-VQ with these settings; the older switches {@code --soft-gumbel} and {@code
     * --learn-posterior-variance} win over the options they stand for, so that saved settings and
     * config files still read.
     */
    GmVqConfig gmvq(CommandSpec command, int codebookSize, int codeDim, double beta) {
        return new GmVqConfig(
                codebookSize,
                codeDim,
                posteriorVariance,
                noiseVariance,
                tau0,
                tauMin,
                beta,
                gamma,
                softGumbel
                        ? GradientEstimator.GUMBEL_SOFT
                        : choice(command, "--estimator", estimator, GradientEstimator::of),
                learnPosteriorVariance
                        ? PosteriorVarianceMode.LEARNED
                        : choice(
                                command,
                                "--posterior-variance-mode",
                                posteriorVarianceMode,
                                PosteriorVarianceMode::of),
                posteriorVarianceEnd);
    }

    private static <T> T choice(
            CommandSpec command, String option, String value, Function<String, T> parse) {
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw CommandLines.usageError(command, option + ": " + e.getMessage());
        }
    }
}
