package dev.tessera.train.cli;

import dev.tessera.cli.CommonOptions;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.train.analysis.AnalysisJson;
import dev.tessera.train.analysis.AnalysisOptions;
import dev.tessera.train.analysis.AnalysisResult;
import dev.tessera.train.analysis.TokenizerAnalysis;
import dev.tessera.train.data.DataSplits;
import dev.tessera.train.report.AnalysisSection;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tessera analyze}: the theory's measurements of an exported tokenizer (docs/metrics.md) on
 * both splits of a data set, printed as a table or one JSON object, and added to the directory's
 * report.html.
 */
@Command(
        name = "analyze",
        sortOptions = false,
        synopsisHeading = "",
        customSynopsis = "usage: tessera analyze --model DIR --data PATH [options]%n",
        description = {
            "Rate, mutual information, collapse, re-encoding and Fréchet distances on both splits.",
            "",
            "Measures a tokenizer on the train and test splits: mse, psnr, perplexity, usage,"
                    + " rate_nats, mutual_information_nats, marginal_kl_nats, collapsed_positions,"
                    + " reencode_consistency, frechet_recon per split; generalization_gap,"
                    + " frechet_prior and parameter counts across them. Checks the coupling bound"
                    + " W2(data, reconstructions) <= sqrt(mean squared error per image) and adds"
                    + " an analysis section (heat map of per-position information, code usage,"
                    + " prior samples) to the directory's report.html. Exit status 1 when the"
                    + " bound does not hold.",
            ""
        })
final class AnalyzeCommand implements Callable<Integer> {

    private final PrintStream out;
    private final PrintStream err;

    @Mixin private TokenizerDataOptions options;

    @Option(
            names = "--max-images",
            paramLabel = "N",
            description = "images read per split (default ${DEFAULT-VALUE}; 0 = all)")
    private int maxImages = AnalysisOptions.DEFAULT_MAX_IMAGES;

    @Option(
            names = "--prior-samples",
            paramLabel = "N",
            description = "grids sampled for frechet_prior (default: as many as test images)")
    private int priorSamples;

    @Option(names = "--no-report", description = "leave report.html and the directory untouched")
    private boolean noReport;

    @Mixin private CommonOptions common;

    AnalyzeCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws IOException {
        Path dir = options.model();
        AnalysisOptions analysis =
                new AnalysisOptions(maxImages, priorSamples, options.batchSize(), options.seed());
        AnalysisResult result;
        try (Tokenizer tokenizer = Tokenizer.open(dir)) {
            DataSplits data = options.open(tokenizer);
            result = new TokenizerAnalysis(analysis, err::println).analyze(tokenizer, data);
        }
        if (!noReport) {
            AnalysisSection.write(dir, result);
            err.println("analysis added to " + dir.resolve("report.html"));
        }
        if (options.json()) {
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
