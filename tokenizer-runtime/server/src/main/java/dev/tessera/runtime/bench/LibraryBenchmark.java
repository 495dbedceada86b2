package dev.tessera.runtime.bench;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.artifact.TokenizerLoadException;
import dev.tessera.runtime.measure.BenchmarkArguments;
import dev.tessera.runtime.measure.MarkdownTable;
import dev.tessera.runtime.measure.Measurement;
import dev.tessera.runtime.measure.MeasurementPlan;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.onnx.TokenizerOptions;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * In-process library benchmark (a runnable command, not a test): {@link Tokenizer#encode} and
 * {@link Tokenizer#decode} of one tokenizer directory at batch sizes 1, 16, 64 and 256 by default,
 * each warmed up and then measured in repeated fixed-length windows ({@link MeasurementPlan}).
 * Prints a Markdown table of images per second (mean ± std over the windows) and per-call latency
 * p50 and p99.
 *
 * <p>The inputs are seeded random uint8 images of the model's shape, and for decoding the tokens
 * the model gives them: the cost of a run does not depend on the pixel values, and the same seed
 * gives the same inputs on every machine.
 *
 * <pre>
 * java -cp "tokenizer-runtime/target/tokenizer-runtime-0.1.0-SNAPSHOT.jar:tokenizer-runtime/target/lib/*" \
 *   dev.tessera.runtime.bench.LibraryBenchmark --model DIR [--batches 1,16,64,256] [--warmup-s 2]
 *   [--measure-s 3] [--repeats 5] [--seed 7] [--threads N] [--cuda]
 * </pre>
 */
public final class LibraryBenchmark {

    static final String USAGE =
            "usage: LibraryBenchmark --model DIR [--batches 1,16,64,256] [--warmup-s 2]"
                    + " [--measure-s 3] [--repeats 5] [--seed 7] [--threads N] [--cuda]";

    private static final Set<String> VALUE_OPTIONS =
            Set.of("model", "batches", "warmup-s", "measure-s", "repeats", "seed", "threads");

    private final Tokenizer tokenizer;
    private final MeasurementPlan plan;
    private final List<Integer> batches;
    private final long seed;

    /**
     * @param tokenizer the tokenizer to measure; the caller closes it
     * @param plan warm-up, window length and repeats of every measurement
     * @param batches batch sizes, each ≥ 1
     * @param seed seed of the synthetic images
     */
    public LibraryBenchmark(
            Tokenizer tokenizer, MeasurementPlan plan, List<Integer> batches, long seed) {
        if (batches.isEmpty() || batches.stream().anyMatch(b -> b < 1)) {
            throw new IllegalArgumentException(
                    "--batches: expected batch sizes ≥ 1, got " + batches);
        }
        this.tokenizer = tokenizer;
        this.plan = plan;
        this.batches = List.copyOf(batches);
        this.seed = seed;
    }

    /** Runs the benchmark and prints the machine, the model and the table to standard output. */
    public static void main(String[] args) throws Exception {
        Path model;
        MeasurementPlan plan;
        List<Integer> batches;
        long seed;
        TokenizerOptions options;
        try {
            BenchmarkArguments a = BenchmarkArguments.parse(args, VALUE_OPTIONS, Set.of("cuda"));
            model = a.requiredPath("model");
            plan = a.plan(2, 3, 5);
            batches = a.integers("batches", List.of(1, 16, 64, 256), 1);
            seed = a.integer("seed", 7, 0);
            options =
                    TokenizerOptions.defaults()
                            .withCuda(a.has("cuda"))
                            .withIntraOpThreads(a.integer("threads", 0, 0));
        } catch (IllegalArgumentException e) {
            System.err.println("LibraryBenchmark: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        try (Tokenizer tokenizer = Tokenizer.open(model, options)) {
            new LibraryBenchmark(tokenizer, plan, batches, seed).run(System.out, options);
        } catch (TokenizerLoadException e) {
            System.err.println("LibraryBenchmark: cannot open " + model + ": " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Measures encode, then decode, at every batch size and prints the table.
     *
     * @param options the options the tokenizer was opened with, for the header
     * @throws Exception the first failure of a call
     */
    public void run(PrintStream out, TokenizerOptions options) throws Exception {
        out.printf(
                Locale.ROOT,
                "model %s:%s, input %dx%dx%d, grid %dx%d, K=%d, %s, intra-op threads %s,"
                        + " %d cores, Java %s%n",
                tokenizer.name(),
                tokenizer.version(),
                tokenizer.channels(),
                tokenizer.imageHeight(),
                tokenizer.imageWidth(),
                tokenizer.gridHeight(),
                tokenizer.gridWidth(),
                tokenizer.codebookSize(),
                tokenizer.executionProvider(),
                options.intraOpThreads() == 0 ? "ONNX Runtime's default" : options.intraOpThreads(),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        out.printf(
                Locale.ROOT,
                "warm-up %.1f s, then %d windows of ≥ %.1f s per operation and batch size;"
                        + " synthetic images, seed %d%n%n",
                plan.warmupSeconds(),
                plan.repeats(),
                plan.measureSeconds(),
                seed);
        ImageBatch pool = syntheticImages(Collections.max(batches));
        MarkdownTable table =
                new MarkdownTable(
                        "operation", "batch", "images/s (mean ± std)", "p50 ms", "p99 ms", "calls");
        for (String operation : List.of("encode", "decode")) {
            for (int batch : batches) {
                Measurement m = measure(operation, pool.slice(0, batch));
                table.row(
                        operation,
                        String.valueOf(batch),
                        m.imagesPerSecond().format(),
                        millis(m.latencyMillis(0.50)),
                        millis(m.latencyMillis(0.99)),
                        String.valueOf(m.calls()));
            }
        }
        out.print(table.render());
    }

    private Measurement measure(String operation, ImageBatch images) throws Exception {
        if (operation.equals("encode")) {
            return plan.measure(images.count(), () -> tokenizer.encode(images));
        }
        TokenBatch tokens = tokenizer.encode(images);
        return plan.measure(images.count(), () -> tokenizer.decode(tokens));
    }

    /** {@code count} seeded random images of the model's shape. */
    private ImageBatch syntheticImages(int count) {
        byte[] pixels =
                new byte
                        [count
                                * tokenizer.channels()
                                * tokenizer.imageHeight()
                                * tokenizer.imageWidth()];
        new Random(seed).nextBytes(pixels);
        return new ImageBatch(
                count,
                tokenizer.channels(),
                tokenizer.imageHeight(),
                tokenizer.imageWidth(),
                pixels);
    }

    static String millis(double ms) {
        return String.format(Locale.ROOT, ms >= 10 ? "%.1f" : "%.3f", ms);
    }
}
