package dev.tessera.train.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import dev.tessera.api.v1.TokenizerManifest;
import dev.tessera.cli.CommandLines;
import dev.tessera.cli.CommonOptions;
import dev.tessera.runtime.artifact.TokenizerDirectory;
import dev.tessera.runtime.onnx.Tokenizer;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code tessera sweep}: trains one tokenizer per (quantizer, K, β) with the same budget and seed,
 * analyses each on both splits, and writes sweep.json, sweep.md and the rate-distortion,
 * generalization-gap and frechet_prior plots.
 */
@Command(
        name = "sweep",
        sortOptions = false,
        synopsisHeading = "",
        customSynopsis = {
            "usage: tessera sweep --data PATH --out DIR --beta 0.1,0.3,1,3 [options] [train"
                    + " options]",
            ""
        },
        description = {
            "Trains and analyzes one tokenizer per beta (and K); writes sweep.json and plots.",
            "",
            "Trains one tokenizer per setting, same budget and seed, analyses each (as tessera"
                    + " analyze) and writes DIR/sweep.json, DIR/sweep.md and three PNG plots: rate"
                    + " vs distortion (train and test), generalization gap vs beta, frechet_prior"
                    + " vs beta. Every tessera train option (--steps, --seed, --batch-size, ...)"
                    + " applies to every run; the analysis seeds its prior samples with --seed, and"
                    + " with 1 when it is not given.",
            ""
        })
final class SweepCommand implements Callable<Integer> {

    /** Sweep's own options, recorded in sweep.json with the training settings. */
    private static final List<String> OWN = List.of("--quantizers", "--max-images", "--reuse");

    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;

    @Spec private CommandSpec spec;

    @Option(
            names = "--beta",
            paramLabel = "LIST",
            description =
                    "rate weights: GM-VQ's beta; the commitment weight for vq and vq-ema"
                            + " (required)")
    private String betas;

    @Option(
            names = "--codebook-size",
            paramLabel = "LIST",
            description = "codebook sizes K (default: the train default, 512)")
    private String codebookSizes;

    @Option(
            names = "--quantizers",
            paramLabel = "LIST",
            description = "gmvq, vq, vq-ema (default gmvq; fsq has no rate weight)")
    private String quantizers = "gmvq";

    @Option(
            names = "--max-images",
            paramLabel = "N",
            description = "images analysed per split (default ${DEFAULT-VALUE}; 0 = all)")
    private int maxImages = AnalysisOptions.DEFAULT_MAX_IMAGES;

    @Option(
            names = "--reuse",
            description = "keep runs a previous sweep finished in DIR with the same settings")
    private boolean reuse;

    @Mixin private ConfigFile config;

    @Mixin private DataSettings data;
    @Mixin private ModelSettings model;
    @Mixin private QuantizerSettings quantizer;
    @Mixin private RunSettings run;
    @Mixin private OutputSettings output;

    @Mixin private CommonOptions common;

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

    @Override
    public Integer call() throws IOException {
        // The training settings with --beta and --codebook-size as sweep's lists.
        Map<String, String> base = TrainSettings.withConfigFile(spec, config.file());
        if (!base.containsKey("out") || !base.containsKey("beta")) {
            throw CommandLines.usageError(
                    spec, "--out DIR and --beta LIST are required, e.g. --beta 0.1,0.3,1,3");
        }
        List<Setting> settings = settings(base);
        Path root = Path.of(base.get("out"));
        Files.createDirectories(root);
        AnalysisOptions analysis =
                new AnalysisOptions(
                        maxImages, 0, 256, Long.parseLong(base.getOrDefault("seed", "1")));
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
            Map<String, String> runSettings = runSettings(base, s, dir);
            TrainOptions options =
                    TrainSettings.parse(runSettings, spec, "sweep").options(spec, runSettings);
            if (reuse && finished(dir, options, s)) {
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
        Map<String, String> recorded = new LinkedHashMap<>(base);
        for (String name : OWN) {
            List<String> given = spec.findOption(name).originalStringValues();
            if (!given.isEmpty()) {
                recorded.put(name.substring(2), given.get(given.size() - 1));
            }
        }
        writeOutputs(root, recorded, finished);
        return 0;
    }

    private List<Setting> settings(Map<String, String> base) {
        List<String> kinds = Arrays.stream(quantizers.split(",")).map(String::trim).toList();
        for (String q : kinds) {
            if (!Set.of("gmvq", "vq", "vq-ema").contains(q)) {
                throw CommandLines.usageError(
                        spec,
                        "--quantizers: "
                                + q
                                + " has no rate weight to sweep; use gmvq, vq or vq-ema");
            }
        }
        double[] rates = numbers("beta", base.get("beta"));
        double[] sizes =
                numbers(
                        "codebook-size",
                        base.getOrDefault(
                                "codebook-size", String.valueOf(TrainSettings.DEFAULT_CODEBOOK)));
        List<Setting> settings = new ArrayList<>();
        for (String q : kinds) {
            for (double k : sizes) {
                if (k != Math.rint(k) || k < 2) {
                    throw CommandLines.usageError(
                            spec, "--codebook-size takes whole numbers >= 2, got " + k);
                }
                for (double beta : rates) {
                    if (!(beta >= 0) || !Double.isFinite(beta)) {
                        throw CommandLines.usageError(
                                spec, "--beta takes numbers >= 0, got " + beta);
                    }
                    settings.add(new Setting(q, (int) k, beta));
                }
            }
        }
        return settings;
    }

    private double[] numbers(String flag, String value) {
        try {
            return Arrays.stream(value.split(","))
                    .map(String::trim)
                    .mapToDouble(Double::parseDouble)
                    .toArray();
        } catch (NumberFormatException e) {
            throw CommandLines.usageError(
                    spec, "--" + flag + " must be comma-separated numbers, got '" + value + "'");
        }
    }

    /** The settings of one run: the sweep's, with this setting's quantizer, K and rate weight. */
    private static Map<String, String> runSettings(Map<String, String> base, Setting s, Path dir) {
        Map<String, String> run = new LinkedHashMap<>(base);
        run.remove("beta");
        run.put("quantizer", s.quantizer());
        run.put("codebook-size", String.valueOf(s.codebookSize()));
        run.put(s.rateFlag(), String.valueOf(s.beta()));
        run.put("out", dir.toString());
        run.put("name", s.directoryName());
        run.put("overwrite", "true");
        run.put("no-checkpoints", "true");
        return run;
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

    private void writeOutputs(Path root, Map<String, String> recorded, List<Finished> finished)
            throws IOException {
        JsonArray runs = new JsonArray();
        List<SweepPoint> points = new ArrayList<>();
        for (Finished f : finished) {
            runs.add(run(f.setting(), f.dir(), f.result()));
            points.add(point(f.setting(), f.result()));
        }
        JsonObject json = new JsonObject();
        JsonObject settings = new JsonObject();
        recorded.forEach(settings::addProperty);
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
