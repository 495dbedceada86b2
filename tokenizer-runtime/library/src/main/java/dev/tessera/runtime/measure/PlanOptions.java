package dev.tessera.runtime.measure;

import dev.tessera.cli.CommandLines;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The time a benchmark spends on each measurement ({@code @Mixin}): {@code --warmup-s} unrecorded,
 * then windows of at least {@code --measure-s}.
 */
public final class PlanOptions {

    @Option(
            names = "--warmup-s",
            paramLabel = "S",
            description = "unrecorded seconds before measuring (default ${DEFAULT-VALUE})")
    private double warmupSeconds;

    @Option(
            names = "--measure-s",
            paramLabel = "S",
            description = "seconds of one measured window (default ${DEFAULT-VALUE})")
    private double measureSeconds;

    /**
     * @param warmupSeconds the default of {@code --warmup-s}
     * @param measureSeconds the default of {@code --measure-s}
     */
    public PlanOptions(double warmupSeconds, double measureSeconds) {
        this.warmupSeconds = warmupSeconds;
        this.measureSeconds = measureSeconds;
    }

    /** {@code --warmup-s}. */
    public double warmupSeconds() {
        return warmupSeconds;
    }

    /** {@code --measure-s}. */
    public double measureSeconds() {
        return measureSeconds;
    }

    /**
     * The plan with these times and {@code repeats} windows.
     *
     * @param command the command whose line is wrong if a time is out of range
     * @throws picocli.CommandLine.ParameterException if a time is out of range
     */
    public MeasurementPlan plan(CommandSpec command, int repeats) {
        try {
            return new MeasurementPlan(warmupSeconds, measureSeconds, repeats);
        } catch (IllegalArgumentException e) {
            throw CommandLines.usageError(command, e.getMessage());
        }
    }
}
