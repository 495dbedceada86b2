package dev.tessera.examples.spark;

import dev.tessera.cli.CommandLines;
import dev.tessera.cli.IntRange;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.Locale;

/**
 * What {@code spark-tokenize} and {@code bench-spark} both read and how they split the work
 * ({@code @Mixin}): the data set, the tokenizer, the split, tasks, batches and threads.
 */
final class SparkJobOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(
            names = "--data",
            paramLabel = "PATH",
            required = true,
            description =
                    "IDX directory or file, image folder or .npy; the path must be readable on"
                            + " every executor (local disk in local mode, a shared file system on"
                            + " a cluster)")
    private String data;

    @Option(
            names = "--model",
            paramLabel = "DIR",
            required = true,
            description = "tokenizer directory, readable on the driver and every executor")
    private String model;

    @Option(
            names = "--split",
            paramLabel = "S",
            description =
                    "train (default) or test; a data set without a split of its own is split by"
                            + " hold-out with --seed, as tessera train does")
    private String split = "train";

    @Option(
            names = "--partitions",
            paramLabel = "N",
            description = "Spark tasks (default: Spark's default parallelism)")
    @IntRange(min = 0)
    private int partitions;

    @Option(
            names = "--batch-size",
            paramLabel = "N",
            description = "images per encode call (default ${DEFAULT-VALUE})")
    @IntRange(min = 1)
    private int batchSize = 256;

    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "tokenize only the first N images of the split")
    @IntRange(min = 1)
    private int limit = Integer.MAX_VALUE;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description =
                    "ONNX Runtime threads per executor tokenizer (default 1: Spark runs one task"
                            + " per core; 0 lets ONNX Runtime choose)")
    @IntRange(min = 0, max = 4096)
    private int threads = 1;

    /** {@code --limit}, or all images of the split. */
    int limit() {
        return limit;
    }

    /**
     * The job's options with these settings.
     *
     * @throws picocli.CommandLine.ParameterException if they do not fit together
     */
    SparkTokenizeOptions job(String out, String master, int limit, long seed, boolean overwrite) {
        try {
            return new SparkTokenizeOptions(
                    data,
                    split.toLowerCase(Locale.ROOT),
                    model,
                    out,
                    master,
                    partitions,
                    batchSize,
                    limit,
                    threads,
                    seed,
                    overwrite);
        } catch (IllegalArgumentException e) {
            throw CommandLines.usageError(spec, e.getMessage());
        }
    }
}
