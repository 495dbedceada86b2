package dev.tessera.runtime.bench;

import dev.tessera.cli.CommandFailedException;
import dev.tessera.cli.CommandLines;
import dev.tessera.cli.IntRange;
import dev.tessera.runtime.artifact.TokenizerLoadException;
import dev.tessera.runtime.measure.MeasurementPlan;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.onnx.TokenizerOptions;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/**
 * The settings a library sweep goes over ({@code @Mixin}): batch sizes, intra-op threads, spinning,
 * instances, CUDA and the seed of the images.
 */
final class SweepOptions {

    @Option(
            names = "--batches",
            paramLabel = "N",
            split = ",",
            description = "library batch sizes (default 1,16,64,256)")
    List<Integer> batches = List.of(1, 16, 64, 256);

    @Option(
            names = "--threads",
            paramLabel = "N",
            split = ",",
            description =
                    "library intra-op threads per run; 0: ONNX Runtime's choice; cores: 1, 2, 4, …"
                            + " up to the cores (default 0)")
    List<String> threads = List.of("0");

    @Option(
            names = "--instances",
            paramLabel = "N",
            split = ",",
            description =
                    "library callers at once, each on a session of its own (default 1; the"
                            + " server's engine without gRPC)")
    List<Integer> instances = List.of(1);

    @Option(
            names = "--spin",
            paramLabel = "on|off|both",
            description =
                    "whether idle intra-op threads spin (ONNX Runtime's default: on); both tries"
                            + " each thread count above 1 both ways")
    String spin = "on";

    @Option(names = "--cuda", description = "use the CUDA execution provider when available")
    boolean cuda;

    @Option(names = "--seed", paramLabel = "N", description = "seed of the images (default 7)")
    @IntRange(min = 0)
    int seed = 7;

    /**
     * The sweep of {@code model} for {@code ops} with these settings, timed by {@code timing}.
     *
     * @throws picocli.CommandLine.ParameterException naming the option that is wrong
     */
    LibrarySweep.Plan plan(Path model, List<String> ops, MeasurementPlan timing, CommandSpec spec) {
        return new LibrarySweep.Plan(model, cuda, ops, engines(spec), batches, timing, seed);
    }

    /**
     * The engine settings to sweep.
     *
     * @throws picocli.CommandLine.ParameterException naming the option that is wrong
     */
    private List<LibrarySweep.Engine> engines(CommandSpec spec) {
        if (batches.isEmpty() || batches.stream().anyMatch(b -> b < 1)) {
            throw CommandLines.usageError(
                    spec, "--batches: expected batch sizes ≥ 1, got " + batches);
        }
        if (instances.isEmpty() || instances.stream().anyMatch(n -> n < 1)) {
            throw CommandLines.usageError(
                    spec, "--instances: expected counts ≥ 1, got " + instances);
        }
        if (!List.of("on", "off", "both").contains(spin)) {
            throw CommandLines.usageError(spec, "--spin: expected on, off or both, got " + spin);
        }
        List<Integer> counts = threadCounts(spec);
        List<LibrarySweep.Engine> engines =
                LibrarySweep.engines(counts, instances, spin.equals("both"));
        if (spin.equals("off")) {
            engines =
                    engines.stream()
                            .map(e -> new LibrarySweep.Engine(e.threads(), false, e.instances()))
                            .toList();
        }
        return engines;
    }

    private List<Integer> threadCounts(CommandSpec spec) {
        if (threads.equals(List.of("cores"))) {
            return LibrarySweep.threadCounts(Runtime.getRuntime().availableProcessors());
        }
        try {
            List<Integer> counts = threads.stream().map(Integer::parseInt).toList();
            if (counts.isEmpty() || counts.stream().anyMatch(t -> t < 0)) {
                throw new NumberFormatException();
            }
            return counts;
        } catch (NumberFormatException e) {
            throw CommandLines.usageError(
                    spec,
                    "--threads: expected thread counts ≥ 0 or the word cores, got "
                            + String.join(",", threads));
        }
    }

    /**
     * @throws CommandFailedException naming the directory if it cannot be loaded
     */
    static Tokenizer open(Path model, TokenizerOptions options) {
        try {
            return Tokenizer.open(model, options);
        } catch (TokenizerLoadException e) {
            throw new CommandFailedException("cannot open " + model + ": " + e.getMessage(), e);
        }
    }
}
