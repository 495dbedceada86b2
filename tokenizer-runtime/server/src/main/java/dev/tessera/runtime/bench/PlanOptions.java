package dev.tessera.runtime.bench;

import dev.tessera.cli.CommandLines;
import dev.tessera.runtime.measure.MeasurementPlan;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The time a benchmark spends on each measurement ({@code @Mixin}): {@code --warmup-s} unrecorded,
 * then windows of {@code --measure-s}.
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

    /**
     * These times with {@code repeats} windows, checked.
     *
     * @throws picocli.CommandLine.ParameterException naming the option that is out of range
     */
    MeasurementPlan plan(CommandSpec spec, int repeats) {
        try {
            return new MeasurementPlan(warmupSeconds, measureSeconds, repeats);
        } catch (IllegalArgumentException e) {
            throw CommandLines.usageError(spec, e.getMessage());
        }
    }
}
