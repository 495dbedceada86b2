package dev.tessera.train.bench;

import ai.djl.Device;

import dev.tessera.cli.CommandFailedException;
import dev.tessera.cli.CommandLines;
import dev.tessera.cli.CommonOptions;
import dev.tessera.cli.IntRange;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.measure.MarkdownTable;
import dev.tessera.runtime.measure.MeanStd;
import dev.tessera.runtime.measure.Measurement;
import dev.tessera.runtime.measure.MeasurementPlan;
import dev.tessera.runtime.measure.PlanOptions;
import dev.tessera.runtime.onnx.TokenizerOptions;
import dev.tessera.train.data.SyntheticShapes;
import dev.tessera.train.model.Architecture;
import dev.tessera.train.pipeline.TrainOptions;
import dev.tessera.train.quantize.GmVqConfig;
import dev.tessera.train.quantize.QuantizerConfig;
import dev.tessera.train.train.DeviceSelection;
import dev.tessera.train.train.TrainConfig;

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
import java.util.concurrent.Callable;

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
 * <p>{@code tessera bench-onnx-vs-djl --help} lists the options.
 */
@Command(
        name = "bench-onnx-vs-djl",
        sortOptions = false,
        synopsisHeading = "",
        customSynopsis = "usage: tessera bench-onnx-vs-djl [options]%n",
        description = {
            "ONNX Runtime's encode against the DJL model's own on the same weights.",
            "",
            "Trains a tokenizer of the demo architecture for a few steps, exports it, and times"
                    + " ONNX Runtime's encode against the DJL model's own on the same synthetic"
                    + " images in alternating windows. Exits with status 1 if their tokens differ.",
            ""
        })
public final class OnnxVsDjlBenchmark implements Callable<Integer> {

    private static final TrainOptions DEMO = TrainOptions.demo(Path.of("unused"));

    private final PrintStream out;

    @Spec private CommandSpec spec;

    @Option(
            names = "--steps",
            paramLabel = "N",
            description = "training steps (default ${DEFAULT-VALUE})")
    @IntRange(min = 1)
    private int steps = 100;

    @Option(
            names = "--width",
            paramLabel = "W",
            description = "channels of the hidden layers (default: the demo's, ${DEFAULT-VALUE})")
    @IntRange(min = 1)
    private int width = DEMO.architecture().width();

    @Option(
            names = "--codebook-size",
            paramLabel = "K",
            description = "GM-VQ codebook size (default: the demo's quantizer)")
    @IntRange(min = 2)
    private Integer codebookSize;

    @Option(
            names = "--batches",
            paramLabel = "N",
            split = ",",
            description = "batch sizes (default 1,16,64,256)")
    private List<Integer> batches = List.of(1, 16, 64, 256);

    @Mixin private PlanOptions plan = new PlanOptions(2, 3);

    @Option(
            names = "--repeats",
            paramLabel = "N",
            description = "measured windows per side and batch size (default ${DEFAULT-VALUE})")
    @IntRange(min = 1)
    private int repeats = 5;

    @Option(
            names = "--seed",
            paramLabel = "S",
            description = "seed of the weights and images (default ${DEFAULT-VALUE})")
    @IntRange(min = 0)
    private int seed = (int) DEMO.training().seed();

    @Option(
            names = "--device",
            paramLabel = "cpu|gpu|auto",
            description = "where DJL trains and runs the model (default ${DEFAULT-VALUE})")
    private String device = "cpu";

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "ONNX Runtime intra-op threads (default: ONNX Runtime's)")
    @IntRange(min = 0, max = 4096)
    private int threads;

    @Option(names = "--cuda", description = "use the CUDA execution provider when available")
    private boolean cuda;

    @Mixin private CommonOptions common;

    /**
     * What to build and how to measure it.
     *
     * @param architecture the network trained and exported
     * @param quantizer the quantizer trained and exported
     * @param training steps, batch size, learning rate and seed of the short training run
     * @param onnxOptions how the runtime library opens the export
     * @param plan warm-up, window length and repeats of every measurement
     * @param batches batch sizes
     */
    record Settings(
            Architecture architecture,
            QuantizerConfig quantizer,
            TrainConfig training,
            TokenizerOptions onnxOptions,
            MeasurementPlan plan,
            List<Integer> batches) {}

    /**
     * @param out where the table goes
     */
    public OnnxVsDjlBenchmark(PrintStream out) {
        this.out = out;
    }

    /** Trains, exports, measures and prints the table; fails if the tokens differ. */
    @Override
    public Integer call() throws Exception {
        Settings settings = settings();
        Device selected = DeviceSelection.select(device, out::println);
        boolean tokensEqual;
        try (SameWeightModels models = train(settings, selected, out)) {
            tokensEqual = compare(models, settings, out);
        }
        if (!tokensEqual) {
            throw new CommandFailedException(
                    "ONNX Runtime and DJL gave different tokens (see the table); the export does"
                            + " not compute what the model does");
        }
        return 0;
    }

    /** The demo's architecture, quantizer and optimiser, with the command line's changes. */
    private Settings settings() {
        if (batches.isEmpty() || batches.stream().anyMatch(b -> b < 1)) {
            throw CommandLines.usageError(
                    spec, "--batches: expected batch sizes ≥ 1, got " + batches);
        }
        Architecture d = DEMO.architecture();
        Architecture architecture = d.withWidth(width);
        QuantizerConfig quantizer =
                codebookSize != null
                        ? GmVqConfig.defaults(codebookSize, architecture.codeDim())
                        : DEMO.quantizer();
        TrainConfig t = DEMO.training();
        TrainConfig training =
                new TrainConfig(
                        steps, t.batchSize(), t.optimizer(), seed, t.initBatches(), t.logEvery());
        return new Settings(
                architecture,
                quantizer,
                training,
                TokenizerOptions.defaults().withCuda(cuda).withIntraOpThreads(threads),
                plan.plan(spec, repeats),
                batches);
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
