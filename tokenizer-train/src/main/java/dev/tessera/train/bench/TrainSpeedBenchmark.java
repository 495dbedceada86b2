package dev.tessera.train.bench;

import ai.djl.Device;

import com.google.gson.JsonObject;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.measure.BenchmarkArguments;
import dev.tessera.runtime.measure.MarkdownTable;
import dev.tessera.runtime.measure.MeanStd;
import dev.tessera.train.data.DataOptions;
import dev.tessera.train.data.Datasets;
import dev.tessera.train.data.ImageSource;
import dev.tessera.train.data.InMemoryImages;
import dev.tessera.train.data.SyntheticShapes;
import dev.tessera.train.gpu.GpuSettings;
import dev.tessera.train.model.Architecture;
import dev.tessera.train.model.TokenizerNetwork;
import dev.tessera.train.quantize.GmVqConfig;
import dev.tessera.train.quantize.GradientEstimator;
import dev.tessera.train.train.DeviceSelection;
import dev.tessera.train.train.OptimizerConfig;
import dev.tessera.train.train.StepProfile;
import dev.tessera.train.train.TokenizerTrainer;
import dev.tessera.train.train.TrainConfig;
import dev.tessera.train.train.TrainedTokenizer;
import dev.tessera.train.train.TrainingListener;
import dev.tessera.train.train.TrainingProgress;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Training speed of Tessera against the same model in plain PyTorch eager on the same device (a
 * runnable command, not a test). For each batch size it alternates windows: Tessera trains {@code
 * --warmup-steps} untimed and {@code --steps} timed steps, then the PyTorch reference ({@code
 * tokenizer-train/src/bench/python/gmvq_reference.py}, in a Python process kept up) does the same;
 * {@code --repeats} times. The ratio is Tessera's images/s over PyTorch's, window pair by window
 * pair. With {@code --profile} it then profiles one Tessera run per batch size phase by phase
 * ({@link StepProfile}).
 *
 * <p>Tessera's time is the trainer's own: from its progress report after the warm-up steps to the
 * report after the last step (a report reads the steps' values to the host, as every run does at
 * its reporting interval, which here is the warm-up length).
 *
 * <pre>
 * java -cp "tokenizer-train/target/tokenizer-train-0.1.0-SNAPSHOT.jar:tokenizer-train/target/lib/*" \
 *   dev.tessera.train.bench.TrainSpeedBenchmark [--data synthetic|PATH] [--batches 64,256]
 *   [--steps 40] [--warmup-steps 10] [--repeats 3] [--device auto|cpu|gpu] [--python python3]
 *   [--script tokenizer-train/src/bench/python/gmvq_reference.py] [--threads N] [--profile]
 *   [--width 32] [--depth 1] [--downsample 4] [--residual-blocks 1] [--codebook-size 512]
 *   [--code-dim 8] [--lr 0.002] [--seed 7] [--python-images 16384]
 * </pre>
 */
public final class TrainSpeedBenchmark {

    static final String USAGE =
            "usage: TrainSpeedBenchmark [--data synthetic|PATH] [--batches 64,256] [--steps 40]"
                    + " [--warmup-steps 10] [--repeats 3] [--device auto|cpu|gpu] [--python"
                    + " python3] [--script FILE] [--threads N] [--profile] [--width 32] [--depth"
                    + " 1] [--downsample 4] [--residual-blocks 1] [--codebook-size 512]"
                    + " [--code-dim 8] [--lr 0.002] [--seed 7] [--python-images 16384]";

    private static final Set<String> VALUED =
            Set.of(
                    "data",
                    "batches",
                    "steps",
                    "warmup-steps",
                    "repeats",
                    "device",
                    "python",
                    "script",
                    "threads",
                    "width",
                    "depth",
                    "downsample",
                    "residual-blocks",
                    "codebook-size",
                    "code-dim",
                    "lr",
                    "seed",
                    "python-images");

    private final BenchmarkArguments args;
    private final PrintStream out;
    private final int steps;
    private final int warmup;
    private final long seed;
    private final double learningRate;

    private TrainSpeedBenchmark(BenchmarkArguments args, PrintStream out) {
        this.args = args;
        this.out = out;
        this.warmup = args.integer("warmup-steps", 10, 1);
        // Whole reporting intervals: Tessera reports (and is timed) every warm-up length.
        int asked = args.integer("steps", 40, 1);
        this.steps = (asked + warmup - 1) / warmup * warmup;
        this.seed = args.integer("seed", 7, 0);
        this.learningRate = args.decimal("lr", 2e-3);
    }

    public static void main(String[] argv) throws Exception {
        BenchmarkArguments args;
        try {
            args = BenchmarkArguments.parse(argv, VALUED, Set.of("profile"));
        } catch (IllegalArgumentException e) {
            System.err.println("TrainSpeedBenchmark: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        int threads = args.integer("threads", 0, 0);
        if (threads > 0) {
            // Read once, when DJL starts the PyTorch engine: before anything touches it.
            System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        }
        GpuSettings.applyRecorded(System.err::println);
        new TrainSpeedBenchmark(args, System.out).run();
    }

    private void run() throws IOException {
        List<Device> devices = DeviceSelection.selectAll(args.text("device", "auto"), out::println);
        ImageSource data = data();
        Architecture arch =
                new Architecture(
                        data.channels(),
                        data.height(),
                        data.width(),
                        args.integer("width", 32, 1),
                        args.integer("downsample", 4, 2),
                        args.integer("code-dim", 8, 1),
                        args.integer("residual-blocks", 1, 0),
                        args.integer("depth", 1, 1));
        // The reference script implements the paper's straight-through Gumbel-softmax.
        GmVqConfig gmvq =
                GmVqConfig.defaults(args.integer("codebook-size", 512, 2), arch.codeDim())
                        .withEstimator(GradientEstimator.GUMBEL);
        List<Integer> batches = args.integers("batches", List.of(64, 256), devices.size());
        int repeats = args.integer("repeats", 3, 1);
        ImageBatch pythonImages =
                data.read(0, Math.min(data.count(), args.integer("python-images", 16384, 1)));
        boolean benchmark = Boolean.getBoolean("ai.djl.pytorch.cudnn_benchmark");
        TokenizerNetwork network = new TokenizerNetwork(arch);
        try (PyTorchReference torch =
                new PyTorchReference(
                        args.text("python", "python3"),
                        Path.of(
                                args.text(
                                        "script",
                                        "tokenizer-train/src/bench/python/gmvq_reference.py")),
                        pythonImages,
                        arch,
                        gmvq,
                        learningRate,
                        seed,
                        devices.get(0).isGpu() ? "cuda:" + devices.get(0).getDeviceId() : "cpu",
                        args.integer("threads", 0, 0),
                        benchmark)) {
            describe(data, arch, gmvq, network, torch.ready(), benchmark);
            MarkdownTable table =
                    new MarkdownTable(
                            "batch",
                            "Tessera images/s",
                            "PyTorch images/s",
                            "Tessera / PyTorch",
                            "Tessera ms/step",
                            "PyTorch ms/step");
            for (int batch : batches) {
                double[] tessera = new double[repeats];
                double[] pytorch = new double[repeats];
                double[] ratio = new double[repeats];
                for (int r = 0; r < repeats; r++) {
                    tessera[r] = tesseraWindow(network, gmvq, data, devices, batch, null);
                    pytorch[r] = torch.window(batch, warmup, steps).imagesPerSecond();
                    ratio[r] = tessera[r] / pytorch[r];
                }
                table.row(
                        String.valueOf(batch),
                        MeanStd.of(tessera).format(),
                        MeanStd.of(pytorch).format(),
                        String.format(Locale.ROOT, "%.2f ± %.2f", MeanStd.of(ratio).mean(), MeanStd.of(ratio).std()),
                        String.format(Locale.ROOT, "%.2f", 1000 * batch / MeanStd.of(tessera).mean()),
                        String.format(Locale.ROOT, "%.2f", 1000 * batch / MeanStd.of(pytorch).mean()));
            }
            out.print(table.render());
        }
        if (args.has("profile")) {
            for (int batch : batches) {
                StepProfile profile = StepProfile.on();
                tesseraWindow(network, gmvq, data, devices, batch, profile);
                out.println("Tessera, batch " + batch + ", one step phase by phase:");
                out.print(profile.table());
            }
        }
    }

    /**
     * Trains {@code warmup + steps} steps and returns the images per second of the last {@code
     * steps}, timed between the trainer's progress reports.
     */
    private double tesseraWindow(
            TokenizerNetwork network,
            GmVqConfig gmvq,
            ImageSource data,
            List<Device> devices,
            int batch,
            StepProfile profile) {
        List<TrainingProgress> reports = new ArrayList<>();
        int total = warmup + steps;
        TokenizerTrainer trainer =
                new TokenizerTrainer(
                        network,
                        gmvq.create(),
                        new TrainConfig(
                                total,
                                batch,
                                // torch.optim.Adam as the reference script runs it.
                                OptimizerConfig.constant(learningRate),
                                seed,
                                1,
                                warmup),
                        devices,
                        new TrainingListener() {
                            @Override
                            public void progress(TrainingProgress p) {
                                reports.add(p);
                            }
                        },
                        null,
                        Map.of());
        if (profile != null) {
            trainer.profiled(profile);
        }
        try (TrainedTokenizer model = trainer.train(data, null)) {
            TrainingProgress first = reports.stream().filter(p -> p.step() == warmup).findFirst().orElseThrow();
            TrainingProgress last = reports.get(reports.size() - 1);
            double seconds = last.elapsedSeconds() - first.elapsedSeconds();
            return (last.step() - first.step()) * (double) batch / seconds;
        }
    }

    private ImageSource data() throws IOException {
        String path = args.text("data", "synthetic");
        if (path.equals("synthetic")) {
            return new InMemoryImages(new SyntheticShapes().generate(8192, seed), null, "synthetic shapes");
        }
        return Datasets.open(path, DataOptions.defaults(seed)).train();
    }

    private void describe(
            ImageSource data,
            Architecture arch,
            GmVqConfig gmvq,
            TokenizerNetwork network,
            JsonObject python,
            boolean benchmark) {
        out.println("data: " + data.describe());
        out.printf(
                Locale.ROOT,
                "model: GM-VQ K=%d L=%d, width %d, depth %d, downsample %d, %d residual blocks;"
                        + " Adam %.4g; %d warm-up + %d timed steps per window%n",
                gmvq.codebookSize(),
                gmvq.codeDim(),
                arch.width(),
                PyTorchReference.convBackbone(arch).depth(),
                arch.downsample(),
                PyTorchReference.convBackbone(arch).residualBlocks(),
                learningRate,
                warmup,
                steps);
        out.println(
                "PyTorch reference: torch "
                        + python.get("torch").getAsString()
                        + " on "
                        + python.get("device").getAsString()
                        + ", "
                        + python.get("threads").getAsInt()
                        + " threads, cudnn.benchmark "
                        + python.get("cudnn_benchmark").getAsBoolean()
                        + " (Tessera: "
                        + benchmark
                        + ")");
        long encoder = python.get("encoder_params").getAsLong();
        long decoder = python.get("decoder_params").getAsLong();
        if (encoder != network.encoderParameterCount()
                || decoder != network.decoderParameterCount()) {
            throw new IllegalStateException(
                    String.format(
                            "the PyTorch reference builds another network: encoder %d / decoder"
                                    + " %d parameters, Tessera %d / %d",
                            encoder,
                            decoder,
                            network.encoderParameterCount(),
                            network.decoderParameterCount()));
        }
        out.printf(
                "both networks: encoder %,d / decoder %,d parameters%n", encoder, decoder);
    }
}
