package dev.tessera.train.cli;

import ai.djl.Device;

import com.google.gson.GsonBuilder;

import dev.tessera.api.v1.TokenizerManifest;
import dev.tessera.api.v1.TrainingSummary;
import dev.tessera.runtime.artifact.TokenizerDirectory;
import dev.tessera.train.model.Architecture;
import dev.tessera.train.pipeline.TrainOptions;
import dev.tessera.train.pipeline.TrainingJob;
import dev.tessera.train.train.DeviceSelection;
import dev.tessera.train.train.MatMulRate;
import dev.tessera.train.train.StepCost;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code tessera compare}: trains several quantizers with the same architecture, codebook size,
 * step budget and seeds, evaluates each on the test split, and prints mean ± std per quantizer.
 * Also measures the machine's matrix-multiply rate, so training throughput can be read as a
 * fraction of it.
 */
final class CompareCommand {

    static final List<String> METRICS =
            List.of("mse", "psnr", "perplexity", "usage", "dead_codes", "images_per_second");

    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;

    CompareCommand(PrintStream out, PrintStream err, boolean interactive) {
        this.out = out;
        this.err = err;
        this.interactive = interactive;
    }

    /** One trained tokenizer's numbers. */
    record Run(String quantizer, long seed, Map<String, Double> metrics, double stepFlops) {}

    int run(String[] args) throws IOException {
        Set<String> valued = new HashSet<>(TrainSettings.VALUED);
        valued.addAll(Set.of("quantizers", "seeds"));
        Set<String> switches = new HashSet<>(TrainSettings.SWITCHES);
        switches.addAll(Set.of("verbose", "help", "reuse"));
        Flags flags = TrainSettings.withConfigFile(Flags.parse(args, valued, switches));
        if (flags.has("help")) {
            out.print(TrainUsage.OTHERS);
            return 0;
        }
        if (!flags.has("out")) {
            throw new Flags.UsageException("--out DIR is required: where the runs are written");
        }
        List<String> quantizers =
                Arrays.asList(flags.string("quantizers", "gmvq,vq,vq-ema,fsq").split(","));
        long[] seeds = seeds(flags.string("seeds", "1,2,3"));
        Path root = Path.of(flags.string("out", ""));
        Files.createDirectories(root);
        Device device = DeviceSelection.select(flags.string("device", "auto"), out::println);
        double matmul = MatMulRate.measure(device, 1024, 10);
        out.printf("matrix multiply (1024x1024, float32): %.1f GFLOP/s%n", matmul / 1e9);
        List<Run> runs = new ArrayList<>();
        for (String quantizer : quantizers) {
            for (long seed : seeds) {
                runs.add(train(flags, quantizer.trim(), seed, root, flags.has("reuse")));
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

    private Run train(Flags base, String quantizer, long seed, Path root, boolean reuse)
            throws IOException {
        Path dir = root.resolve(quantizer + "-seed" + seed);
        Map<String, String> run = new LinkedHashMap<>();
        run.put("quantizer", quantizer);
        run.put("seed", String.valueOf(seed));
        run.put("out", dir.toString());
        run.put("name", quantizer);
        run.put("version", String.valueOf(seed));
        run.put("overwrite", "true");
        run.put("no-checkpoints", "true");
        Flags flags =
                Flags.of(run, TrainSettings.VALUED, TrainSettings.SWITCHES, "compare")
                        .over(withoutCompareFlags(base));
        TrainOptions options = TrainSettings.options(flags);
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
            throw new Flags.UsageException(
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

    private static Flags withoutCompareFlags(Flags base) {
        Map<String, String> kept = new LinkedHashMap<>(base.values());
        kept.remove("quantizers");
        kept.remove("seeds");
        kept.remove("reuse");
        kept.remove("verbose");
        kept.remove("config");
        return Flags.of(kept, TrainSettings.VALUED, TrainSettings.SWITCHES, "compare");
    }

    private static long[] seeds(String value) {
        try {
            return Arrays.stream(value.split(","))
                    .map(String::trim)
                    .mapToLong(Long::parseLong)
                    .toArray();
        } catch (NumberFormatException e) {
            throw new Flags.UsageException(
                    "--seeds must be comma-separated whole numbers, got '" + value + "'");
        }
    }
}
