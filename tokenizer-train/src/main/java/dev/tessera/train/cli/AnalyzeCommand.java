package dev.tessera.train.cli;

import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.train.analysis.AnalysisJson;
import dev.tessera.train.analysis.AnalysisOptions;
import dev.tessera.train.analysis.AnalysisResult;
import dev.tessera.train.analysis.TokenizerAnalysis;
import dev.tessera.train.data.DataSplits;
import dev.tessera.train.report.AnalysisSection;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code tessera analyze}: the theory's measurements of an exported tokenizer (docs/metrics.md)
 * on both splits of a data set, printed as a table or one JSON object, and added to the directory's
 * report.html.
 */
final class AnalyzeCommand {

    static final String USAGE =
            String.join(
                    System.lineSeparator(),
                    "usage: tessera analyze --model DIR --data PATH [options]",
                    "",
                    "Measures a tokenizer on the train and test splits: mse, psnr, perplexity,"
                            + " usage, rate_nats,",
                    "mutual_information_nats, marginal_kl_nats, collapsed_positions,"
                            + " reencode_consistency, frechet_recon",
                    "per split; generalization_gap, frechet_prior and parameter counts across"
                            + " them. Checks the coupling",
                    "bound W2(data, reconstructions) <= sqrt(mean squared error per image) and"
                            + " adds an analysis section",
                    "(heat map of per-position information, code usage, prior samples) to the"
                            + " directory's report.html.",
                    "",
                    "  --model DIR             tokenizer directory",
                    "  --data PATH|synthetic   data set, as for tessera train",
                    "  --max-images N          images read per split (default 10000; 0 = all)",
                    "  --prior-samples N       grids sampled for frechet_prior (default: as many as"
                            + " test images)",
                    "  --seed S                seed of the prior samples and of a hold-out split"
                            + " (default 7)",
                    "  --image-size N|HxW, --channels 1|3, --resize resize|crop, --test-fraction"
                            + " F,",
                    "  --skip-bad-files        read the data as tessera train does",
                    "  --batch-size B          images per ONNX Runtime call (default 256)",
                    "  --no-report             leave report.html and the directory untouched",
                    "  --json                  print one JSON object instead of a table",
                    "");

    private static final Set<String> VALUED =
            Set.of(
                    "model",
                    "data",
                    "max-images",
                    "prior-samples",
                    "image-size",
                    "channels",
                    "resize",
                    "test-fraction",
                    "seed",
                    "batch-size",
                    "train-images",
                    "test-images");
    private static final Set<String> SWITCHES =
            Set.of("json", "no-report", "skip-bad-files", "verbose", "help");

    private final PrintStream out;
    private final PrintStream err;

    AnalyzeCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) throws IOException {
        Flags flags = Flags.parse(args, VALUED, SWITCHES);
        if (flags.has("help")) {
            out.print(USAGE);
            return 0;
        }
        if (!flags.has("model") || !flags.has("data")) {
            throw new Flags.UsageException("--model DIR and --data PATH are required");
        }
        Path dir = Path.of(flags.string("model", ""));
        AnalysisOptions options =
                new AnalysisOptions(
                        flags.integer("max-images", AnalysisOptions.DEFAULT_MAX_IMAGES),
                        flags.integer("prior-samples", 0),
                        flags.integer("batch-size", 256),
                        flags.longValue("seed", 7));
        AnalysisResult result;
        try (Tokenizer tokenizer = Tokenizer.open(dir)) {
            DataSplits data = EvalCommand.openData(flags, tokenizer);
            result = new TokenizerAnalysis(options, err::println).analyze(tokenizer, data);
        }
        if (!flags.has("no-report")) {
            AnalysisSection.write(dir, result);
            err.println("analysis added to " + dir.resolve("report.html"));
        }
        if (flags.has("json")) {
            out.println(AnalysisJson.toJson(result));
        } else {
            printTable(result);
        }
        return result.couplingBoundHolds() ? 0 : 1;
    }

    private void printTable(AnalysisResult result) {
        out.printf(Locale.ROOT, "%-26s %14s %14s%n", "metric", "train", "test");
        for (String name : result.test().metrics().keySet()) {
            out.printf(
                    Locale.ROOT,
                    "%-26s %14s %14s%n",
                    name,
                    format(result.train().metrics().get(name)),
                    format(result.test().metrics().get(name)));
        }
        for (Map.Entry<String, Double> e : result.crossSplit().entrySet()) {
            out.printf(Locale.ROOT, "%-26s %14s%n", e.getKey(), format(e.getValue()));
        }
        out.printf(
                Locale.ROOT, "%-26s %14s%n", "coupling_bound_holds", result.couplingBoundHolds());
    }

    private static String format(Double v) {
        if (v == null) {
            return "";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e12
                ? String.valueOf(v.longValue())
                : String.format(Locale.ROOT, "%.6g", v);
    }
}
