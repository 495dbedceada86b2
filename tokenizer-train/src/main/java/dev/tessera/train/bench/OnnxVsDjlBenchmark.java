package dev.tessera.train.bench;

import ai.djl.Device;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.TokenizerOptions;
import dev.tessera.runtime.measure.BenchmarkArguments;
import dev.tessera.runtime.measure.MarkdownTable;
import dev.tessera.runtime.measure.MeanStd;
import dev.tessera.runtime.measure.Measurement;
import dev.tessera.runtime.measure.MeasurementPlan;
import dev.tessera.train.data.SyntheticShapes;
import dev.tessera.train.gpu.GpuSettings;
import dev.tessera.train.model.Architecture;
import dev.tessera.train.pipeline.TrainOptions;
import dev.tessera.train.quantize.GmVqConfig;
import dev.tessera.train.quantize.QuantizerConfig;
import dev.tessera.train.train.DeviceSelection;
import dev.tessera.train.train.TrainConfig;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * ONNX Runtime against DJL on the same weights (a runnable command, not a test): trains a tokenizer
 * of the demo architecture for a few steps (the weights' values do not change the cost of a forward
 * pass), exports it, and at batch sizes 1, 16, 64 and 256 times the runtime library's {@code
 * Tokenizer.encode} against {@link dev.tessera.train.train.TrainedTokenizer#encode}, the DJL
 * model's own forward pass and nearest-code search, on the same synthetic images. The two are
 * measured in alternating windows ({@link MeasurementPlan#measureAlternating}), so the ratio is
 * taken window by window; the tokens of both must be equal, or the command exits with status 1.
 *
 * <p>Both run on the main thread, where DJL's PyTorch engine keeps autograd off outside training
 * (it is a per-thread switch), so the DJL side records no graph.
 *
 * <pre>
 * java -Dai.djl.offline=true -cp "tokenizer-train/target/tokenizer-train-0.1.0-SNAPSHOT.jar:tokenizer-train/target/lib/*" \
 *   dev.tessera.train.bench.OnnxVsDjlBenchmark [--steps 100] [--width 32] [--codebook-size 128]
 *   [--batches 1,16,64,256] [--warmup-s 2] [--measure-s 3] [--repeats 5] [--seed 7]
 *   [--threads N] [--device cpu|gpu|auto] [--cuda]
 * </pre>
 */
public final class OnnxVsDjlBenchmark {

    static final String USAGE =
            "usage: OnnxVsDjlBenchmark [--steps 100] [--width 32] [--codebook-size 128]"
                    + " [--batches 1,16,64,256] [--warmup-s 2] [--measure-s 3] [--repeats 5]"
                    + " [--seed 7] [--threads N] [--device cpu|gpu|auto] [--cuda]";

    private static final Set<String> VALUE_OPTIONS =
            Set.of(
                    "steps",
                    "width",
                    "codebook-size",
                    "batches",
                    "warmup-s",
                    "measure-s",
                    "repeats",
                    "seed",
                    "threads",
                    "device");

    /**
     * What to build and how to measure it.
     *
     * @param architecture the network trained and exported
     * @param quantizer the quantizer trained and exported
     * @param training steps, batch size, learning rate and seed of the short training run
     * @param device where DJL trains and runs the model
     * @param onnxOptions how the runtime library opens the export
     * @param plan warm-up, window length and repeats of every measurement
     * @param batches batch sizes
     */
    record Settings(
            Architecture architecture,
            QuantizerConfig quantizer,
            TrainConfig training,
            String device,
            TokenizerOptions onnxOptions,
            MeasurementPlan plan,
            List<Integer> batches) {

        /** The demo's architecture, quantizer and optimiser, with the command line's changes. */
        static Settings parse(String[] args) {
            BenchmarkArguments a = BenchmarkArguments.parse(args, VALUE_OPTIONS, Set.of("cuda"));
            TrainOptions demo = TrainOptions.demo(Path.of("unused"));
            Architecture d = demo.architecture();
            Architecture architecture = d.withWidth(a.integer("width", d.width(), 1));
            QuantizerConfig quantizer =
                    a.has("codebook-size")
                            ? GmVqConfig.defaults(
                                    a.integer("codebook-size", 0, 2), architecture.codeDim())
                            : demo.quantizer();
            TrainConfig t = demo.training();
            TrainConfig training =
                    new TrainConfig(
                            a.integer("steps", 100, 1),
                            t.batchSize(),
                            t.optimizer(),
                            a.integer("seed", (int) t.seed(), 0),
                            t.initBatches(),
                            t.logEvery());
            return new Settings(
                    architecture,
                    quantizer,
                    training,
                    a.text("device", "cpu"),
                    TokenizerOptions.defaults()
                            .withCuda(a.has("cuda"))
                            .withIntraOpThreads(a.integer("threads", 0, 0)),
                    a.plan(2, 3, 5),
                    a.integers("batches", List.of(1, 16, 64, 256), 1));
        }
    }

    private OnnxVsDjlBenchmark() {}

    /** Trains, exports, measures and prints the table; exits with status 1 if tokens differ. */
    public static void main(String[] args) throws Exception {
        GpuSettings.applyRecorded(System.err::println);
        Settings settings;
        Device device;
        try {
            settings = Settings.parse(args);
            device = DeviceSelection.select(settings.device(), System.out::println);
        } catch (IllegalArgumentException e) {
            System.err.println("OnnxVsDjlBenchmark: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        boolean tokensEqual;
        try (SameWeightModels models = train(settings, device, System.out)) {
            tokensEqual = compare(models, settings, System.out);
        }
        if (!tokensEqual) {
            System.err.println(
                    "OnnxVsDjlBenchmark: ONNX Runtime and DJL gave different tokens (see the"
                            + " table); the export does not compute what the model does");
            System.exit(1);
        }
    }

    private static SameWeightModels train(Settings s, Device device, PrintStream out)
            throws Exception {
        Architecture arch = s.architecture();
        out.printf(
                Locale.ROOT,
                "training %s, K=%d, L=%d, width %d, downsample %d, input %dx%dx%d: %d steps of %d"
                        + " synthetic images, seed %d%n",
                s.quantizer().kind(),
                s.quantizer().codebookSize(),
                s.quantizer().codeDim(),
                arch.width(),
                arch.downsample(),
                arch.channels(),
                arch.imageHeight(),
                arch.imageWidth(),
                s.training().steps(),
                s.training().batchSize(),
                s.training().seed());
        SameWeightModels models =
                SameWeightModels.train(arch, s.quantizer(), s.training(), device, s.onnxOptions());
        out.printf(
                Locale.ROOT,
                "trained in %.1f s; export check: %s%n",
                models.djl().history().wallSeconds(),
                models.exportCheck().summary());
        return models;
    }

    /**
     * Measures both sides at every batch size and prints the table.
     *
     * @return whether the tokens were equal at every batch size
     */
    private static boolean compare(SameWeightModels models, Settings s, PrintStream out)
            throws Exception {
        MeasurementPlan plan = s.plan();
        out.printf(
                Locale.ROOT,
                "ONNX Runtime: %s, intra-op threads %s; DJL: %s, PyTorch threads %s; %d cores, Java"
                        + " %s%n",
                models.onnx().executionProvider(),
                s.onnxOptions().intraOpThreads() == 0
                        ? "default"
                        : s.onnxOptions().intraOpThreads(),
                models.djl().params().manager().getDevice(),
                System.getProperty("ai.djl.pytorch.num_threads", "default"),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        out.printf(
                Locale.ROOT,
                "warm-up %.1f s each, then %d alternating windows of ≥ %.1f s per side and batch"
                        + " size%n%n",
                plan.warmupSeconds(),
                plan.repeats(),
                plan.measureSeconds());
        ImageBatch pool =
                new SyntheticShapes(s.architecture().imageHeight())
                        .generate(Collections.max(s.batches()), s.training().seed() + 2);
        MarkdownTable table =
                new MarkdownTable(
                        "batch",
                        "ONNX Runtime images/s",
                        "DJL images/s",
                        "ratio",
                        "ONNX p50 / p99 ms",
                        "DJL p50 / p99 ms",
                        "tokens equal");
        boolean allEqual = true;
        for (int batch : s.batches()) {
            ImageBatch images = pool.slice(0, batch);
            TokenBatch onnxTokens = models.onnx().encode(images);
            TokenBatch djlTokens = models.djl().encode(images);
            int equal = equalIds(onnxTokens, djlTokens);
            allEqual &= equal == onnxTokens.ids().length;
            List<Measurement> m =
                    plan.measureAlternating(
                            batch,
                            List.of(
                                    () -> models.onnx().encode(images),
                                    () -> models.djl().encode(images)));
            table.row(
                    String.valueOf(batch),
                    m.get(0).imagesPerSecond().format(),
                    m.get(1).imagesPerSecond().format(),
                    ratio(m.get(0), m.get(1)).format() + "×",
                    latencies(m.get(0)),
                    latencies(m.get(1)),
                    equal + "/" + onnxTokens.ids().length);
        }
        out.print(table.render());
        out.println();
        out.println(
                "ratio: ONNX Runtime images/s ÷ DJL images/s of the paired windows, mean ± std"
                        + " (target ≥ 2×)");
        return allEqual;
    }

    private static int equalIds(TokenBatch a, TokenBatch b) {
        int equal = 0;
        for (int i = 0; i < Math.min(a.ids().length, b.ids().length); i++) {
            if (a.ids()[i] == b.ids()[i]) {
                equal++;
            }
        }
        return equal;
    }

    /** The ratio of two measurements' rates, window by window (the windows alternate). */
    private static MeanStd ratio(Measurement onnx, Measurement djl) {
        double[] a = onnx.windowImagesPerSecond();
        double[] b = djl.windowImagesPerSecond();
        double[] ratios = new double[a.length];
        for (int r = 0; r < a.length; r++) {
            ratios[r] = a[r] / b[r];
        }
        return MeanStd.of(ratios);
    }

    private static String latencies(Measurement m) {
        return String.format(
                Locale.ROOT,
                "%s / %s",
                millis(m.latencyMillis(0.50)),
                millis(m.latencyMillis(0.99)));
    }

    private static String millis(double ms) {
        return String.format(Locale.ROOT, ms >= 10 ? "%.1f" : "%.3f", ms);
    }
}
