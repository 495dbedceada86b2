package dev.tessera.train.cli;

import ai.djl.Device;

import com.google.gson.GsonBuilder;

import dev.tessera.api.v1.TokenizerManifest;
import dev.tessera.api.v1.TrainingSummary;
import dev.tessera.cli.CommandLines;
import dev.tessera.cli.CommonOptions;
import dev.tessera.runtime.artifact.TokenizerDirectory;
import dev.tessera.train.model.Architecture;
import dev.tessera.train.pipeline.TrainOptions;
import dev.tessera.train.pipeline.TrainingJob;
import dev.tessera.train.train.DeviceSelection;
import dev.tessera.train.train.MatMulRate;
import dev.tessera.train.train.StepCost;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tessera compare}: trains several quantizers with the same architecture, codebook size,
 * step budget and seeds, evaluates each on the test split, and prints mean ± std per quantizer.
 * Also measures the machine's matrix-multiply rate, so training throughput can be read as a
 * fraction of it.
 */
@Command(
        name = "compare",
        sortOptions = false,
        synopsisHeading = "",
        customSynopsis = {
            "usage: tessera compare --data PATH --out DIR [--quantizers gmvq,vq,vq-ema,fsq]"
                    + " [--seeds 1,2,3] [--reuse] [train options]",
            ""
        },
        description = {
            "Trains gmvq, vq, vq-ema and fsq with the same budget and seeds; prints mean ± std.",
            "",
            "Trains several quantizers with the same architecture, codebook size, step budget and"
                    + " seeds, evaluates each on the test split, and prints mean ± std per"
                    + " quantizer, with training throughput as a share of the machine's"
                    + " matrix-multiply rate. Writes DIR/compare.md, DIR/compare.json and every"
                    + " run (DIR/gmvq-seed1, ...). Every train option applies to every run;"
                    + " --name, --version, --out and checkpoints are set per run.",
            ""
        })
final class CompareCommand implements Callable<Integer> {

    static final List<String> METRICS =
            List.of("mse", "psnr", "perplexity", "usage", "dead_codes", "images_per_second");

    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;

    @Spec private CommandSpec spec;

    @Option(
            names = "--quantizers",
            paramLabel = "Q",
            split = ",",
            description = "quantizers to train (default gmvq,vq,vq-ema,fsq)")
    private List<String> quantizers = List.of("gmvq", "vq", "vq-ema", "fsq");

    @Option(
            names = "--seeds",
            paramLabel = "S",
            split = ",",
            description = "seeds; every quantizer is trained once per seed (default 1,2,3)")
    private List<Long> seeds = List.of(1L, 2L, 3L);

    @Option(
            names = "--reuse",
            description =
                    "keep the runs a previous compare finished in DIR (same quantizer, seed, budget"
                            + " and K)")
    private boolean reuse;

    @Mixin private ConfigFile config;

    @Mixin private TrainSettings settings;

    @Mixin private CommonOptions common;

    CompareCommand(PrintStream out, PrintStream err, boolean interactive) {
        this.out = out;
        this.err = err;
        this.interactive = interactive;
    }

    /** One trained tokenizer's numbers. */
    record Run(String quantizer, long seed, Map<String, Double> metrics, double stepFlops) {}

    @Override
    public Integer call() throws IOException {
        Map<String, String> base = TrainSettings.withConfigFile(spec, config.file());
        if (!base.containsKey("out")) {
            throw CommandLines.usageError(
                    spec, "--out DIR is required: where the runs are written");
        }
        Path root = Path.of(base.get("out"));
        Files.createDirectories(root);
        Device device = DeviceSelection.select(base.getOrDefault("device", "auto"), out::println);
        double matmul = MatMulRate.measure(device, 1024, 10);
        out.printf("matrix multiply (1024x1024, float32): %.1f GFLOP/s%n", matmul / 1e9);
        List<Run> runs = new ArrayList<>();
        for (String quantizer : quantizers) {
            for (long seed : seeds) {
                runs.add(train(base, quantizer.trim(), seed, root));
            }
        }
        CompareTable table = new CompareTable(runs, matmul);
        String text = table.render();
        out.println();
        out.print(text);
        Files.writeString(root.resolve("compare.md"), text);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("matmul_flops_per_second", matmul);
        json.put("summary", table.summary());
        json.put("runs", runs);
        Files.writeString(
                root.resolve("compare.json"),
                new GsonBuilder()
                        .setPrettyPrinting()
                        .serializeSpecialFloatingPointValues()
                        .create()
                        .toJson(json));
        out.println("wrote " + root.resolve("compare.md") + " and compare.json");
        return 0;
    }

    private Run train(Map<String, String> base, String quantizer, long seed, Path root)
            throws IOException {
        Path dir = root.resolve(quantizer + "-seed" + seed);
        Map<String, String> run = new LinkedHashMap<>(base);
        run.put("quantizer", quantizer);
        run.put("seed", String.valueOf(seed));
        run.put("out", dir.toString());
        run.put("name", quantizer);
        run.put("version", String.valueOf(seed));
        run.put("overwrite", "true");
        run.put("no-checkpoints", "true");
        TrainOptions options = TrainSettings.parse(run, spec, "compare").options(spec, run);
        if (reuse && TokenizerDirectory.hasManifest(dir)) {
            return reused(options, quantizer, seed, dir);
        }
        out.printf("%n== %s, seed %d ==%n", quantizer, seed);
        TrainingJob.Result result =
                new TrainingJob(options, out::println, new ProgressBar(out, interactive)).run();
        Map<String, Double> metrics = new LinkedHashMap<>(result.metrics());
        metrics.put("images_per_second", result.imagesPerSecond());
        Architecture arch = result.architecture();
        double flops =
                StepCost.trainingStepFlops(
                        arch, options.quantizer().codebookSize(), options.training().batchSize());
        return new Run(quantizer, seed, metrics, flops / options.training().batchSize());
    }

    /**
     * The numbers of a run a previous {@code compare} finished, read from its manifest, after
     * checking that it was trained with this run's quantizer, seed and step budget.
     */
    private Run reused(TrainOptions options, String quantizer, long seed, Path dir)
            throws IOException {
        TokenizerManifest manifest = TokenizerDirectory.readManifest(dir);
        TrainingSummary t = manifest.getTraining();
        long steps = options.training().steps();
        if (!manifest.getQuantizer().equals(options.quantizer().kind())
                || t.getSeed() != seed
                || (options.epochs() == 0 && t.getSteps() != steps)
                || manifest.getCodebookSize() != options.quantizer().codebookSize()) {
            throw CommandLines.usageError(
                    spec,
                    "--reuse: "
                            + dir
                            + " holds a run with other settings ("
                            + manifest.getQuantizer()
                            + ", seed "
                            + t.getSeed()
                            + ", "
                            + t.getSteps()
                            + " steps, K="
                            + manifest.getCodebookSize()
                            + "); remove it or drop --reuse");
        }
        out.printf("== %s, seed %d: reusing %s ==%n", quantizer, seed, dir);
        Map<String, Double> metrics = new LinkedHashMap<>(manifest.getMetricsMap());
        metrics.put("images_per_second", metrics.get("train_images_per_second"));
        Architecture arch =
                options.architecture()
                        .forImages(
                                manifest.getInput().getChannels(),
                                manifest.getInput().getHeight(),
                                manifest.getInput().getWidth());
        double flops =
                StepCost.trainingStepFlops(
                        arch, options.quantizer().codebookSize(), options.training().batchSize());
        return new Run(quantizer, seed, metrics, flops / options.training().batchSize());
    }
}
