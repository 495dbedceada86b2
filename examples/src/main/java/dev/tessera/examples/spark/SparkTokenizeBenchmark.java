package dev.tessera.examples.spark;

import dev.tessera.cli.CommonOptions;
import dev.tessera.cli.IntRange;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.train.api.Images;

import org.apache.spark.sql.SparkSession;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
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
 */
@Command(
        name = "bench-spark",
        sortOptions = false,
        synopsisHeading = "",
        customSynopsis = "usage: tessera bench-spark --data PATH --model DIR [options]%n",
        description = {
            "The Spark job's throughput next to the in-process library on the same images.",
            "",
            "Throughput of the Spark job next to the in-process library on the same images, in one"
                    + " JVM: the library from one thread and from as many threads as Spark runs"
                    + " tasks, then the job on --master; alternating, --repeats times.",
            ""
        })
final class SparkTokenizeBenchmark implements Callable<Integer> {

    private final PrintStream out;

    @Mixin private SparkJobOptions job;

    @Option(
            names = "--master",
            paramLabel = "URL",
            description = "Spark master (default ${DEFAULT-VALUE})")
    private String master = "local[2]";

    @Option(
            names = "--repeats",
            paramLabel = "N",
            description = "measured rounds (default ${DEFAULT-VALUE})")
    @IntRange(min = 1)
    private int repeats = 3;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description =
                    "where the job writes its Parquet files (default: a new temporary directory)")
    private String dir;

    @Mixin private CommonOptions common;

    SparkTokenizeBenchmark(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws IOException {
        String outDir =
                dir != null
                        ? dir
                        : Files.createTempDirectory("tessera-spark-bench")
                                .resolve("out")
                                .toString();
        SparkTokenizeOptions options = options(outDir, job.limit());
        long start = System.nanoTime();
        try (SparkSession spark =
                        SparkTokenizeJob.session(options.master(), "tessera-tokenize-benchmark");
                Tokenizer library = Tokenizer.open(Path.of(options.model()))) {
            out.printf(
                    Locale.ROOT,
                    "spark %s on %s started in %.1f s; %d cores on this machine%n",
                    spark.version(),
                    options.master(),
                    (System.nanoTime() - start) / 1e9,
                    Runtime.getRuntime().availableProcessors());
            Images images =
                    ExecutorDataSets.get(options.data(), options.split(), options.seed(), library);
            int count = Math.min(images.count(), options.limit());
            out.printf("%s; tokenizing %d of them%n", images.describe(), count);
            SparkTokenizeJob sparkJob = new SparkTokenizeJob(spark);
            // Warm-up: JIT, ONNX Runtime's first runs, the executor's tokenizer, Spark's first job.
            int warmUp = Math.min(count, 4 * options.batchSize());
            libraryPass(library, images, warmUp, options);
            sparkJob.run(options(outDir, warmUp));
            // The job's own tokenizer: in local mode the executor is this JVM.
            Tokenizer perCaller = ExecutorTokenizers.get(options.model(), options.threads());
            int callers = spark.sparkContext().defaultParallelism();
            for (int r = 1; r <= repeats; r++) {
                double oneCaller = libraryPass(library, images, count, options);
                double manyCallers = parallelPass(perCaller, images, count, callers, options);
                SparkTokenizeJob.Result result = sparkJob.run(options);
                out.printf(
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
        return 0;
    }

    private SparkTokenizeOptions options(String outDir, int limit) {
        return job.job(outDir, master, limit, 7, true);
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
