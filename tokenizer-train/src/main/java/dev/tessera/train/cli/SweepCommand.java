package dev.tessera.train.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import dev.tessera.api.v1.TokenizerManifest;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.artifact.TokenizerDirectory;
import dev.tessera.train.analysis.AnalysisJson;
import dev.tessera.train.analysis.AnalysisOptions;
import dev.tessera.train.analysis.AnalysisResult;
import dev.tessera.train.analysis.TokenizerAnalysis;
import dev.tessera.train.data.Datasets;
import dev.tessera.train.pipeline.TrainOptions;
import dev.tessera.train.pipeline.TrainingJob;
import dev.tessera.train.report.AnalysisSection;
import dev.tessera.train.report.SweepCharts;
import dev.tessera.train.report.SweepPoint;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code tessera sweep}: trains one tokenizer per (quantizer, K, β) with the same budget and seed,
 * analyses each on both splits, and writes sweep.json, sweep.md and the rate-distortion,
 * generalization-gap and frechet_prior plots.
 */
final class SweepCommand {

    static final String USAGE =
            String.join(
                    System.lineSeparator(),
                    "usage: tessera sweep --data PATH --out DIR --beta 0.1,0.3,1,3 [options]"
                            + " [train options]",
                    "",
                    "Trains one tokenizer per setting, same budget and seed, analyses each (as"
                            + " tessera analyze) and",
                    "writes DIR/sweep.json, DIR/sweep.md and three PNG plots: rate vs"
                            + " distortion (train and test),",
                    "generalization gap vs beta, frechet_prior vs beta.",
                    "",
                    "  --beta LIST             rate weights: GM-VQ's beta; the commitment weight"
                            + " for vq and vq-ema",
                    "  --codebook-size LIST    codebook sizes K (default: the train default)",
                    "  --quantizers LIST       gmvq, vq, vq-ema (default gmvq; fsq has no rate"
                            + " weight)",
                    "  --max-images N          images analysed per split (default 10000; 0 ="
                            + " all)",
                    "  --reuse                 keep runs a previous sweep finished in DIR with"
                            + " the same settings",
                    "  every tessera train option (--steps, --seed, --batch-size, ...) applies to"
                            + " every run",
                    "");

    private static final Set<String> OWN_VALUED = Set.of("beta", "quantizers", "max-images");
    private static final Set<String> OWN_SWITCHES = Set.of("reuse", "verbose", "help");

    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;

    SweepCommand(PrintStream out, PrintStream err, boolean interactive) {
        this.out = out;
        this.err = err;
        this.interactive = interactive;
    }

    /** One point of the sweep grid. */
    record Setting(String quantizer, int codebookSize, double beta) {
        String directoryName() {
            return String.format(
                    Locale.ROOT,
                    "%s-K%d-beta%s",
                    quantizer,
                    codebookSize,
                    SweepCharts.format(beta));
        }

        String rateFlag() {
            return quantizer.equals("gmvq") ? "beta" : "commitment";
        }
    }

    /** A trained and analysed setting. */
    record Finished(Setting setting, Path dir, AnalysisResult result) {}

    int run(String[] args) throws IOException {
        Set<String> valued = new HashSet<>(TrainSettings.VALUED);
        valued.addAll(OWN_VALUED);
        Set<String> switches = new HashSet<>(TrainSettings.SWITCHES);
        switches.addAll(OWN_SWITCHES);
        Flags flags = TrainSettings.withConfigFile(Flags.parse(args, valued, switches));
        if (flags.has("help")) {
            out.print(USAGE);
            return 0;
        }
        if (!flags.has("out") || !flags.has("beta")) {
            throw new Flags.UsageException(
                    "--out DIR and --beta LIST are required, e.g. --beta 0.1,0.3,1,3");
        }
        List<Setting> settings = settings(flags);
        Path root = Path.of(flags.string("out", ""));
        Files.createDirectories(root);
        AnalysisOptions analysis =
                new AnalysisOptions(
                        flags.integer("max-images", AnalysisOptions.DEFAULT_MAX_IMAGES),
                        0,
                        256,
                        flags.longValue("seed", 1));
        List<Finished> finished = new ArrayList<>();
        for (int i = 0; i < settings.size(); i++) {
            Setting s = settings.get(i);
            out.printf(
                    Locale.ROOT,
                    "%n== %s K=%d beta=%s (%d/%d) ==%n",
                    s.quantizer(),
                    s.codebookSize(),
                    SweepCharts.format(s.beta()),
                    i + 1,
                    settings.size());
            Path dir = root.resolve(s.directoryName());
            TrainOptions options = TrainSettings.options(runFlags(flags, s, dir));
            if (flags.has("reuse") && finished(dir, options, s)) {
                out.println("reusing " + dir);
            } else {
                new TrainingJob(options, out::println, new ProgressBar(out, interactive)).run();
            }
            AnalysisResult result;
            try (Tokenizer tokenizer = Tokenizer.open(dir)) {
                result =
                        new TokenizerAnalysis(analysis, out::println)
                                .analyze(
                                        tokenizer,
                                        Datasets.open(options.data(), options.dataOptions()));
            }
            AnalysisSection.write(dir, result);
            finished.add(new Finished(s, dir, result));
        }
        writeOutputs(root, flags, finished);
        return 0;
    }

    static List<Setting> settings(Flags flags) {
        List<String> quantizers =
                Arrays.stream(flags.string("quantizers", "gmvq").split(","))
                        .map(String::trim)
                        .toList();
        for (String q : quantizers) {
            if (!Set.of("gmvq", "vq", "vq-ema").contains(q)) {
                throw new Flags.UsageException(
                        "--quantizers: "
                                + q
                                + " has no rate weight to sweep; use gmvq, vq or vq-ema");
            }
        }
        double[] betas = numbers("beta", flags.string("beta", ""));
        double[] sizes =
                numbers(
                        "codebook-size",
                        flags.string(
                                "codebook-size", String.valueOf(TrainSettings.DEFAULT_CODEBOOK)));
        List<Setting> settings = new ArrayList<>();
        for (String q : quantizers) {
            for (double k : sizes) {
                if (k != Math.rint(k) || k < 2) {
                    throw new Flags.UsageException(
                            "--codebook-size takes whole numbers >= 2, got " + k);
                }
                for (double beta : betas) {
                    if (!(beta >= 0) || !Double.isFinite(beta)) {
                        throw new Flags.UsageException("--beta takes numbers >= 0, got " + beta);
                    }
                    settings.add(new Setting(q, (int) k, beta));
                }
            }
        }
        return settings;
    }

    private static double[] numbers(String flag, String value) {
        try {
            return Arrays.stream(value.split(","))
                    .map(String::trim)
                    .mapToDouble(Double::parseDouble)
                    .toArray();
        } catch (NumberFormatException e) {
            throw new Flags.UsageException(
                    "--" + flag + " must be comma-separated numbers, got '" + value + "'");
        }
    }

    private static Flags runFlags(Flags base, Setting s, Path dir) {
        Map<String, String> kept = new LinkedHashMap<>(base.values());
        kept.keySet().removeAll(OWN_VALUED);
        kept.keySet().removeAll(OWN_SWITCHES);
        kept.remove("config");
        Map<String, String> run = new LinkedHashMap<>();
        run.put("quantizer", s.quantizer());
        run.put("codebook-size", String.valueOf(s.codebookSize()));
        run.put(s.rateFlag(), String.valueOf(s.beta()));
        run.put("out", dir.toString());
        run.put("name", s.directoryName());
        run.put("overwrite", "true");
        run.put("no-checkpoints", "true");
        return Flags.of(run, TrainSettings.VALUED, TrainSettings.SWITCHES, "sweep")
                .over(Flags.of(kept, TrainSettings.VALUED, TrainSettings.SWITCHES, "sweep"));
    }

    /** Whether {@code dir} holds a finished run of exactly this setting and budget. */
    private static boolean finished(Path dir, TrainOptions options, Setting s) {
        if (!TokenizerDirectory.hasManifest(dir)) {
            return false;
        }
        TokenizerManifest m = TokenizerDirectory.readManifest(dir);
        String rate = m.getTraining().getConfigMap().get(s.rateFlag());
        return m.getQuantizer().equals(s.quantizer())
                && m.getCodebookSize() == s.codebookSize()
                && rate != null
                && Double.parseDouble(rate) == s.beta()
                && m.getTraining().getSeed() == options.training().seed()
                && (options.epochs() > 0
                        || m.getTraining().getSteps() == options.training().steps());
    }

    private static SweepPoint point(Setting s, AnalysisResult r) {
        return new SweepPoint(
                s.quantizer() + " K=" + s.codebookSize(),
                s.beta(),
                r.train().metric("mutual_information_nats"),
                r.test().metric("mutual_information_nats"),
                r.train().metric("mse"),
                r.test().metric("mse"),
                r.crossSplit().get("frechet_prior"),
                (int) r.test().metric("collapsed_positions"));
    }

    private static JsonObject run(Setting s, Path dir, AnalysisResult result) {
        JsonObject o = new JsonObject();
        o.addProperty("quantizer", s.quantizer());
        o.addProperty("codebook_size", s.codebookSize());
        o.addProperty("beta", s.beta());
        o.addProperty("directory", dir.toString());
        o.add("analysis", AnalysisJson.of(result));
        return o;
    }

    private void writeOutputs(Path root, Flags flags, List<Finished> finished) throws IOException {
        JsonArray runs = new JsonArray();
        List<SweepPoint> points = new ArrayList<>();
        for (Finished f : finished) {
            runs.add(run(f.setting(), f.dir(), f.result()));
            points.add(point(f.setting(), f.result()));
        }
        JsonObject json = new JsonObject();
        JsonObject settings = new JsonObject();
        flags.values().forEach(settings::addProperty);
        json.add("settings", settings);
        json.add("runs", runs);
        Files.writeString(
                root.resolve("sweep.json"),
                new GsonBuilder()
                        .setPrettyPrinting()
                        .serializeSpecialFloatingPointValues()
                        .create()
                        .toJson(json));
        String table = SweepTable.render(finished);
        Files.writeString(root.resolve("sweep.md"), table);
        List<Path> plots = SweepCharts.write(root, points);
        out.println();
        out.print(table);
        out.println(
                "wrote "
                        + root.resolve("sweep.json")
                        + ", sweep.md and "
                        + plots.size()
                        + " plots");
        err.flush();
    }
}
