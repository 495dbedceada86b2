package dev.tessera.examples.spark;

import java.util.Objects;

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
}
