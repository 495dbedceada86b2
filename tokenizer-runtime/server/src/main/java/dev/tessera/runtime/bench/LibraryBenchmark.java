package dev.tessera.runtime.bench;

import dev.tessera.cli.CommandLines;
import dev.tessera.cli.CommonOptions;
import dev.tessera.cli.IntRange;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.measure.BatchPlanOptions;
import dev.tessera.runtime.measure.EngineOptions;
import dev.tessera.runtime.measure.MarkdownTable;
import dev.tessera.runtime.measure.Measurement;
import dev.tessera.runtime.measure.MeasurementPlan;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.onnx.TokenizerOptions;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

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
 * tessera bench-library --model DIR [--batches 1,16,64,256] [--warmup-s 2] [--measure-s 3]
 *   [--repeats 5] [--seed 7] [--threads N] [--cuda]
 * </pre>
 */
@Command(
        name = "bench-library",
        sortOptions = false,
        synopsisHeading = "",
        customSynopsis = "usage: tessera bench-library --model DIR [options]%n",
        description = {
            "",
            "Measures Tokenizer.encode and decode of one tokenizer directory in process: images per"
                    + " second (mean ± std over the measured windows) and latency p50 and p99 per"
                    + " batch size, as a Markdown table. The inputs are seeded random images.",
            ""
        })
public final class LibraryBenchmark implements Callable<Integer> {

    private final PrintStream out;

    @Spec private CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", description = "tokenizer directory to measure")
    private Path model;

    @Mixin private BatchPlanOptions measure;

    @Option(names = "--seed", paramLabel = "N", description = "seed of the images (default 7)")
    @IntRange(min = 0)
    private int seed = 7;

    @Mixin private EngineOptions engine;

    @Mixin private CommonOptions common;

    private Tokenizer tokenizer;
    private List<Integer> batches;
    private MeasurementPlan plan;

    /**
     * @param out where the header and the table go
     */
    public LibraryBenchmark(PrintStream out) {
        this.out = out;
    }

    /** Opens the model, measures, prints. */
    @Override
    public Integer call() throws Exception {
        if (model == null) {
            throw CommandLines.usageError(spec, "expected --model DIR (a tokenizer directory)");
        }
        batches = measure.batches();
        plan = measure.plan();
        TokenizerOptions options = engine.options();
        try (Tokenizer opened = EngineOptions.open(model, options)) {
            tokenizer = opened;
            run(options);
        }
        return 0;
    }

    /**
     * Measures encode, then decode, at every batch size and prints the table.
     *
     * @param options the options the tokenizer was opened with, for the header
     * @throws Exception the first failure of a call
     */
    private void run(TokenizerOptions options) throws Exception {
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
