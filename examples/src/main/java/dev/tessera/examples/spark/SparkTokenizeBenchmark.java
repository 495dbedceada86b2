package dev.tessera.examples.spark;

import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.train.api.Images;
import dev.tessera.train.cli.Flags;

import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Throughput of the Spark job next to the in-process library on the same images, in one JVM: the
 * library reads and encodes the split batch by batch, (a) from one thread with {@code
 * Tokenizer.open(dir)} (ONNX Runtime's default thread count) and (b) from as many threads as Spark
 * runs tasks, with the job's tokenizer (one ONNX Runtime thread each); the job reads, encodes and
 * writes Parquet on the given master. All read from the same loaded data set; the runs alternate,
 * so load from other processes on the machine falls on each.
 *
 * <p>usage: {@code SparkTokenizeBenchmark --data PATH --model DIR [--split train|test] [--master
 * local[2]] [--partitions N] [--batch-size N] [--threads N] [--limit N] [--repeats N] [--out DIR]}
 */
public final class SparkTokenizeBenchmark {

    private static final Set<String> VALUED =
            Set.of(
                    "data",
                    "model",
                    "split",
                    "master",
                    "partitions",
                    "batch-size",
                    "threads",
                    "limit",
                    "repeats",
                    "out");

    private SparkTokenizeBenchmark() {}

    public static void main(String[] args) throws IOException {
        Flags flags = Flags.parse(args, VALUED, Set.of());
        if (!flags.has("data") || !flags.has("model")) {
            System.err.println("SparkTokenizeBenchmark: --data PATH and --model DIR are required");
            System.exit(2);
        }
        String out =
                flags.string(
                        "out",
                        Files.createTempDirectory("tessera-spark-bench").resolve("out").toString());
        SparkTokenizeOptions options =
                options(flags, out, flags.integer("limit", Integer.MAX_VALUE));
        int repeats = flags.integer("repeats", 3);
        long start = System.nanoTime();
        try (SparkSession spark =
                        SparkTokenizeJob.session(options.master(), "tessera-tokenize-benchmark");
                Tokenizer library = Tokenizer.open(Path.of(options.model()))) {
            System.out.printf(
                    Locale.ROOT,
                    "spark %s on %s started in %.1f s; %d cores on this machine%n",
                    spark.version(),
                    options.master(),
                    (System.nanoTime() - start) / 1e9,
                    Runtime.getRuntime().availableProcessors());
            Images images =
                    ExecutorDataSets.get(options.data(), options.split(), options.seed(), library);
            int count = Math.min(images.count(), options.limit());
            System.out.printf("%s; tokenizing %d of them%n", images.describe(), count);
            SparkTokenizeJob job = new SparkTokenizeJob(spark);
            // Warm-up: JIT, ONNX Runtime's first runs, the executor's tokenizer, Spark's first job.
            int warmUp = Math.min(count, 4 * options.batchSize());
            libraryPass(library, images, warmUp, options);
            job.run(options(flags, out, warmUp));
            // The job's own tokenizer: in local mode the executor is this JVM.
            Tokenizer perCaller = ExecutorTokenizers.get(options.model(), options.threads());
            int callers = spark.sparkContext().defaultParallelism();
            for (int r = 1; r <= repeats; r++) {
                double oneCaller = libraryPass(library, images, count, options);
                double manyCallers = parallelPass(perCaller, images, count, callers, options);
                SparkTokenizeJob.Result result = job.run(options);
                System.out.printf(
                        Locale.ROOT,
                        "run %d/%d: library %.0f images/s (1 caller), %.0f images/s (%d callers,"
                                + " %d-thread tokenizer); spark %.0f images/s (%d rows, %d tasks,"
                                + " %.1f s); spark/library %.2f and %.2f%n",
                        r,
                        repeats,
                        oneCaller,
                        manyCallers,
                        callers,
                        options.threads(),
                        result.imagesPerSecond(),
                        result.rows(),
                        result.partitions(),
                        result.seconds(),
                        result.imagesPerSecond() / oneCaller,
                        result.imagesPerSecond() / manyCallers);
            }
        }
    }

    private static SparkTokenizeOptions options(Flags flags, String out, int limit) {
        return new SparkTokenizeOptions(
                flags.string("data", ""),
                flags.string("split", "train"),
                flags.string("model", ""),
                out,
                flags.string("master", "local[2]"),
                flags.integer("partitions", 0),
                flags.integer("batch-size", 256),
                limit,
                flags.integer("threads", 1),
                7,
                true);
    }

    /**
     * As {@link #libraryPass}, with {@code callers} threads each encoding its own share, as the
     * Spark tasks do, but without Spark: the cost of Spark itself is the difference.
     */
    private static double parallelPass(
            Tokenizer tokenizer,
            Images images,
            int count,
            int callers,
            SparkTokenizeOptions options) {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            long start = System.nanoTime();
            List<Future<?>> shares = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                IndexRange range = IndexRange.slice(c, callers, count);
                shares.add(
                        pool.submit(
                                () -> {
                                    for (int from = range.from();
                                            from < range.to();
                                            from += options.batchSize()) {
                                        int to = Math.min(range.to(), from + options.batchSize());
                                        tokenizer.encode(images.read(from, to));
                                    }
                                }));
            }
            for (Future<?> share : shares) {
                share.get();
            }
            return count / ((System.nanoTime() - start) / 1e9);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Reads and encodes the first {@code count} images in batches; returns images per second. */
    private static double libraryPass(
            Tokenizer tokenizer, Images images, int count, SparkTokenizeOptions options) {
        long start = System.nanoTime();
        for (int from = 0; from < count; from += options.batchSize()) {
            tokenizer.encode(images.read(from, Math.min(count, from + options.batchSize())));
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }
}
