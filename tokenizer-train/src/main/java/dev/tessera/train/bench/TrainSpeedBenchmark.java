package dev.tessera.train.bench;

import ai.djl.Device;

import com.google.gson.JsonObject;

import dev.tessera.cli.CommandLines;
import dev.tessera.cli.CommonOptions;
import dev.tessera.cli.IntRange;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.measure.MarkdownTable;
import dev.tessera.runtime.measure.MeanStd;
import dev.tessera.train.data.DataOptions;
import dev.tessera.train.data.Datasets;
import dev.tessera.train.data.ImageSource;
import dev.tessera.train.data.InMemoryImages;
import dev.tessera.train.data.SyntheticShapes;
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

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Training speed of Tessera against the same model in plain PyTorch eager on the same device (a
 * runnable command, not a test). For each batch size it alternates windows: Tessera trains {@code
 * --warmup-steps} untimed and {@code --steps} timed steps, then the PyTorch reference ({@code
 * tokenizer-train/src/bench/python/gmvq_reference.py}, in a Python process kept up) does the same;
 * {@code --repeats} times. The ratio is Tessera's images/s over PyTorch's, window pair by window
 * pair. With {@code --profile} it then profiles one Tessera run per batch size phase by phase
 * ({@link StepProfile}). {@code tessera bench-train-speed --help} lists the options.
 *
 * <p>Tessera's time is the trainer's own: from its progress report after the warm-up steps to the
 * report after the last step (a report reads the steps' values to the host, as every run does at
 * its reporting interval, which here is the warm-up length).
 */
@Command(
        name = "bench-train-speed",
        sortOptions = false,
        synopsisHeading = "",
        customSynopsis = "usage: tessera bench-train-speed [options]%n",
        description = {
            "Training speed of Tessera against plain PyTorch on the same model and device.",
            "",
            "Training speed of Tessera against the same model in plain PyTorch eager on the same"
                    + " device: for each batch size, alternating windows of --warmup-steps untimed"
                    + " and --steps timed steps, --repeats times; the ratio is taken window pair by"
                    + " window pair. Needs Python with torch.",
            ""
        })
public final class TrainSpeedBenchmark implements Callable<Integer> {

    private final PrintStream out;

    @Spec private CommandSpec spec;

    @Option(
            names = "--data",
            paramLabel = "synthetic|PATH",
            description = "training data, as for tessera train (default ${DEFAULT-VALUE})")
    private String dataPath = "synthetic";

    @Option(
            names = "--batches",
            paramLabel = "N",
            split = ",",
            description = "batch sizes, at least one image per device (default 64,256)")
    private List<Integer> batches = List.of(64, 256);

    @Option(
            names = "--steps",
            paramLabel = "N",
            description =
                    "timed steps per window, rounded up to whole --warmup-steps (default"
                            + " ${DEFAULT-VALUE})")
    @IntRange(min = 1)
    private int askedSteps = 40;

    @Option(
            names = "--warmup-steps",
            paramLabel = "N",
            description = "untimed steps before each window (default ${DEFAULT-VALUE})")
    @IntRange(min = 1)
    private int warmup = 10;

    @Option(
            names = "--repeats",
            paramLabel = "N",
            description = "window pairs per batch size (default ${DEFAULT-VALUE})")
    @IntRange(min = 1)
    private int repeats = 3;

    @Option(
            names = "--device",
            paramLabel = "auto|cpu|gpu",
            description = "where both train (default ${DEFAULT-VALUE})")
    private String device = "auto";

    @Option(
            names = "--python",
            paramLabel = "CMD",
            description = "Python with torch (default ${DEFAULT-VALUE})")
    private String python = "python3";

    @Option(
            names = "--script",
            paramLabel = "FILE",
            description = "the PyTorch reference (default ${DEFAULT-VALUE})")
    private Path script = Path.of("tokenizer-train/src/bench/python/gmvq_reference.py");

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "CPU threads of both (default: each library's own choice)")
    @IntRange(min = 0, max = 4096)
    private int threads;

    @Option(names = "--profile", description = "then profile one Tessera window per batch size")
    private boolean profile;

    @Option(names = "--width", paramLabel = "W", description = "default ${DEFAULT-VALUE}")
    @IntRange(min = 1)
    private int width = 32;

    @Option(names = "--depth", paramLabel = "D", description = "default ${DEFAULT-VALUE}")
    @IntRange(min = 1)
    private int depth = 1;

    @Option(names = "--downsample", paramLabel = "F", description = "default ${DEFAULT-VALUE}")
    @IntRange(min = 2)
    private int downsample = 4;

    @Option(names = "--residual-blocks", paramLabel = "R", description = "default ${DEFAULT-VALUE}")
    @IntRange(min = 0)
    private int residualBlocks = 1;

    @Option(names = "--codebook-size", paramLabel = "K", description = "default ${DEFAULT-VALUE}")
    @IntRange(min = 2)
    private int codebookSize = 512;

    @Option(names = "--code-dim", paramLabel = "L", description = "default ${DEFAULT-VALUE}")
    @IntRange(min = 1)
    private int codeDim = 8;

    @Option(names = "--lr", paramLabel = "LR", description = "Adam's (default ${DEFAULT-VALUE})")
    private double learningRate = 2e-3;

    @Option(names = "--seed", paramLabel = "S", description = "default ${DEFAULT-VALUE}")
    @IntRange(min = 0)
    private int seed = 7;

    @Option(
            names = "--python-images",
            paramLabel = "N",
            description = "images sent to the reference (default ${DEFAULT-VALUE})")
    @IntRange(min = 1)
    private int pythonImages = 16384;

    @Mixin private CommonOptions common;

    private int steps;

    /**
     * @param out where the table goes
     */
    public TrainSpeedBenchmark(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws IOException {
        // Whole reporting intervals: Tessera reports (and is timed) every warm-up length.
        steps = (askedSteps + warmup - 1) / warmup * warmup;
        if (threads > 0) {
            // Read once, when DJL starts the PyTorch engine: before anything touches it.
            System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        }
        run();
        return 0;
    }

    private void run() throws IOException {
        List<Device> devices = DeviceSelection.selectAll(device, out::println);
        ImageSource data = data();
        Architecture arch =
                new Architecture(
                        data.channels(),
                        data.height(),
                        data.width(),
                        width,
                        downsample,
                        codeDim,
                        residualBlocks,
                        depth);
        // The reference script implements the paper's straight-through Gumbel-softmax.
        GmVqConfig gmvq =
                GmVqConfig.defaults(codebookSize, arch.codeDim())
                        .withEstimator(GradientEstimator.GUMBEL);
        if (batches.isEmpty() || batches.stream().anyMatch(b -> b < devices.size())) {
            throw CommandLines.usageError(
                    spec,
                    "--batches: expected batch sizes ≥ " + devices.size() + ", got " + batches);
        }
        ImageBatch referenceImages = data.read(0, Math.min(data.count(), pythonImages));
        boolean benchmark = Boolean.getBoolean("ai.djl.pytorch.cudnn_benchmark");
        TokenizerNetwork network = new TokenizerNetwork(arch);
        try (PyTorchReference torch =
                new PyTorchReference(
                        python,
                        script,
                        referenceImages,
                        arch,
                        gmvq,
                        learningRate,
                        seed,
                        devices.get(0).isGpu() ? "cuda:" + devices.get(0).getDeviceId() : "cpu",
                        threads,
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
                        String.format(
                                Locale.ROOT,
                                "%.2f ± %.2f",
                                MeanStd.of(ratio).mean(),
                                MeanStd.of(ratio).std()),
                        String.format(
                                Locale.ROOT, "%.2f", 1000 * batch / MeanStd.of(tessera).mean()),
                        String.format(
                                Locale.ROOT, "%.2f", 1000 * batch / MeanStd.of(pytorch).mean()));
            }
            out.print(table.render());
        }
        if (profile) {
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
            TrainingProgress first =
                    reports.stream().filter(p -> p.step() == warmup).findFirst().orElseThrow();
            TrainingProgress last = reports.get(reports.size() - 1);
            double seconds = last.elapsedSeconds() - first.elapsedSeconds();
            return (last.step() - first.step()) * (double) batch / seconds;
        }
    }

    private ImageSource data() throws IOException {
        if (dataPath.equals("synthetic")) {
            return new InMemoryImages(
                    new SyntheticShapes().generate(8192, seed), null, "synthetic shapes");
        }
        return Datasets.open(dataPath, DataOptions.defaults(seed)).train();
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
        out.printf("both networks: encoder %,d / decoder %,d parameters%n", encoder, decoder);
    }
}
