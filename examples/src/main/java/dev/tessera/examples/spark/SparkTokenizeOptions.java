package dev.tessera.examples.spark;

import dev.tessera.train.cli.Flags;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Options of the Spark tokenize job.
 *
 * @param data data set path (IDX directory or file, image folder, .npy) readable on every executor
 * @param split {@code train} or {@code test}
 * @param model tokenizer directory readable on the driver and every executor
 * @param out output directory of the Parquet files (any Hadoop file system URI)
 * @param master Spark master URL, or null to take it from spark-submit
 * @param partitions Spark tasks to split the images into, or 0 for Spark's default parallelism
 * @param batchSize images per encode call
 * @param limit tokenize only the first {@code limit} images of the split
 * @param threads ONNX Runtime intra-op threads of each executor's tokenizer (0: ONNX Runtime's
 *     choice)
 * @param seed seed of the hold-out split of data sets without a split of their own (as in {@code
 *     tessera train} and {@code tessera eval})
 * @param overwrite replace {@code out} if it exists
 */
public record SparkTokenizeOptions(
        String data,
        String split,
        String model,
        String out,
        String master,
        int partitions,
        int batchSize,
        int limit,
        int threads,
        long seed,
        boolean overwrite) {

    static final String USAGE =
            String.join(
                    System.lineSeparator(),
                    "usage: SparkTokenizeJob --data PATH --model DIR --out DIR [--split"
                            + " train|test]",
                    "           [--master URL] [--partitions N] [--batch-size N] [--limit N]"
                            + " [--threads N]",
                    "           [--seed S] [--overwrite] [--verbose]",
                    "",
                    "Tokenizes a data set on Spark, one tokenizer per executor, and writes Parquet"
                            + " rows",
                    "(id, label, h, w, tokens, tokenizer_name, tokenizer_version).",
                    "",
                    "  --data PATH       IDX directory or file, image folder or .npy; the path must"
                            + " be readable",
                    "                    on every executor (local disk in local mode, a shared file"
                            + " system on a cluster)",
                    "  --model DIR       tokenizer directory, readable on the driver and every"
                            + " executor",
                    "  --out DIR         where to write the Parquet files (any Hadoop file system"
                            + " URI)",
                    "  --split S         train (default) or test; a data set without a split of its"
                            + " own is split",
                    "                    by hold-out with --seed, as tessera train does",
                    "  --master URL      Spark master, e.g. local[*]; leave out under spark-submit",
                    "  --partitions N    Spark tasks (default: Spark's default parallelism)",
                    "  --batch-size N    images per encode call (default 256)",
                    "  --limit N         tokenize only the first N images of the split",
                    "  --threads N       ONNX Runtime threads per executor tokenizer (default 1:"
                            + " Spark runs one task",
                    "                    per core; 0 lets ONNX Runtime choose)",
                    "  --seed S          seed of the hold-out split (default 7)",
                    "  --overwrite       replace --out if it exists",
                    "  --verbose         print stack traces with errors",
                    "");

    private static final Set<String> VALUED =
            Set.of(
                    "data",
                    "split",
                    "model",
                    "out",
                    "master",
                    "partitions",
                    "batch-size",
                    "limit",
                    "threads",
                    "seed");
    private static final Set<String> SWITCHES = Set.of("overwrite", "verbose", "help");

    /** Validates every field; messages name the flag to change. */
    public SparkTokenizeOptions {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(out, "out");
        if (!split.equals("train") && !split.equals("test")) {
            throw new IllegalArgumentException(
                    "--split must be train or test, got '" + split + "'");
        }
        if (partitions < 0) {
            throw new IllegalArgumentException(
                    "--partitions must be positive (or 0 for Spark's default), got " + partitions);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be positive, got " + batchSize);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("--limit must be positive, got " + limit);
        }
        if (threads < 0) {
            throw new IllegalArgumentException(
                    "--threads must be positive (or 0 for ONNX Runtime's choice), got " + threads);
        }
    }

    /** Parsed options, or null when help was asked for. */
    static SparkTokenizeOptions parse(String[] args) {
        Flags flags = Flags.parseCommandLine(args, VALUED, SWITCHES, "--help");
        if (flags == null) {
            return null;
        }
        for (String required : List.of("data", "model", "out")) {
            if (!flags.has(required)) {
                throw new Flags.UsageException(
                        "--data PATH, --model DIR and --out DIR are required; see --help");
            }
        }
        return new SparkTokenizeOptions(
                flags.string("data", ""),
                flags.string("split", "train").toLowerCase(Locale.ROOT),
                flags.string("model", ""),
                flags.string("out", ""),
                flags.string("master", null),
                flags.integer("partitions", 0),
                flags.integer("batch-size", 256),
                flags.integer("limit", Integer.MAX_VALUE),
                flags.integer("threads", 1),
                flags.longValue("seed", 7),
                flags.has("overwrite"));
    }
}
