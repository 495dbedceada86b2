package dev.tessera.runtime.measure;

import dev.tessera.cli.CommandLines;
import dev.tessera.cli.IntRange;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;

/**
 * The batch sizes a benchmark measures and how ({@code @Mixin}): {@code --batches}, {@code
 * --warmup-s}, {@code --measure-s} and {@code --repeats}, by default 1, 16, 64 and 256 images, 2 s
 * of warm-up and 5 windows of 3 s each. Mix it into a command directly, not into another mixin: its
 * refusals name the command it is mixed into.
 */
public final class BatchPlanOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(
            names = "--batches",
            paramLabel = "N",
            split = ",",
            description = "batch sizes (default 1,16,64,256)")
    private List<Integer> batches = List.of(1, 16, 64, 256);

    @Mixin private PlanOptions times = new PlanOptions(2, 3);

    @Option(
            names = "--repeats",
            paramLabel = "N",
            description = "measured windows per batch size (default ${DEFAULT-VALUE})")
    @IntRange(min = 1)
    private int repeats = 5;

    /**
     * {@code --batches}.
     *
     * @throws picocli.CommandLine.ParameterException if one is below 1
     */
    public List<Integer> batches() {
        if (batches.isEmpty() || batches.stream().anyMatch(b -> b < 1)) {
            throw CommandLines.usageError(
                    spec, "--batches: expected batch sizes ≥ 1, got " + batches);
        }
        return batches;
    }

    /**
     * The plan of every measurement.
     *
     * @throws picocli.CommandLine.ParameterException if a time is out of range
     */
    public MeasurementPlan plan() {
        return times.plan(repeats, spec);
    }
}
