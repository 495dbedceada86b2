package dev.tessera.train.cli;

import picocli.CommandLine.Option;

/**
 * The codebook size and GM-VQ's rate weight ({@code @Mixin}); part of {@link TrainSettings}. {@code
 * tessera sweep} takes lists under the same names instead, so they live apart from the rest.
 */
final class RateSettings {

    @Option(
            names = "--codebook-size",
            paramLabel = "K",
            description = "codes in the codebook (default " + TrainSettings.DEFAULT_CODEBOOK + ")")
    Integer codebookSize;

    @Option(
            names = "--beta",
            paramLabel = "B",
            description =
                    "GM-VQ: weight of KL(aggregate posterior || uniform) (default"
                            + " ${DEFAULT-VALUE})")
    double beta = QuantizerSettings.GMVQ.beta();
}
