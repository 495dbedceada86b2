package dev.tessera.runtime.bench;

import picocli.CommandLine.Option;

/**
 * The time a benchmark spends on each measurement ({@code @Mixin}): {@code --warmup-s} unrecorded,
 * then windows of at least {@code --measure-s}.
 */
final class PlanOptions {

    @Option(
            names = "--warmup-s",
            paramLabel = "S",
            description = "unrecorded seconds before measuring (default ${DEFAULT-VALUE})")
    double warmupSeconds;

    @Option(
            names = "--measure-s",
            paramLabel = "S",
            description = "seconds of one measured window (default ${DEFAULT-VALUE})")
    double measureSeconds;

    PlanOptions(double warmupSeconds, double measureSeconds) {
        this.warmupSeconds = warmupSeconds;
        this.measureSeconds = measureSeconds;
    }
}
