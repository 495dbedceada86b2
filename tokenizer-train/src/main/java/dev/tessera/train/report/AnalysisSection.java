package dev.tessera.train.report;

import static dev.tessera.train.report.ReportHtml.escape;
import static dev.tessera.train.report.ReportHtml.formatNumber;

import dev.tessera.runtime.artifact.TokenizerDirectory;
import dev.tessera.train.analysis.AnalysisResult;
import dev.tessera.train.report.ReportHtml.Figure;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The analysis section of a tokenizer directory's {@code report.html}: the metrics of {@code
 * tessera analyze} on both splits, the mutual information of each latent position as a heat map,
 * the code-usage histogram and prior samples next to real images. Running the analysis again
 * replaces the section; the manifest's checksums are renewed so the directory still verifies.
 */
public final class AnalysisSection {

    public static final String INFORMATION_PNG = "analysis-information.png";
    public static final String USAGE_PNG = "analysis-code-usage.png";
    public static final String PRIOR_PNG = "analysis-prior-samples.png";
    public static final String VARIANCE_PNG = "analysis-posterior-variance.png";

    static final String BEGIN = "<!-- tessera analyze: begin -->";
    static final String END = "<!-- tessera analyze: end -->";

    private AnalysisSection() {}

    /** Writes the pictures and the section into {@code dir}, then renews the manifest checksums. */
    public static void write(Path dir, AnalysisResult result) throws IOException {
        TrainingReport.prepareAwt();
        Optional<Figure> information =
                Optional.of(
                        TrainingReport.writePng(
                                BitmapEncoder.getBufferedImage(informationMap(result)),
                                dir.resolve(INFORMATION_PNG)));
        Optional<Figure> usage =
                TrainingReport.writeChart(
                        dir, USAGE_PNG, ReportCharts.codeUsage(result.test().codeCounts()));
        Optional<Figure> variance =
                TrainingReport.writeChart(dir, VARIANCE_PNG, varianceChart(result));
        ImageGrid grid =
                new ImageGrid(
                        ImageGrid.scaleFor(
                                result.realImages().height(), result.realImages().width()));
        BufferedImage samples =
                grid.render(
                        List.of(result.realImages(), result.priorImages()),
                        TrainingReport.gridColumns(result.realImages()));
        Figure prior = TrainingReport.writePng(samples, dir.resolve(PRIOR_PNG));

        String section = html(result, information, usage, variance, prior);
        Path page = dir.resolve(TrainingReport.HTML);
        String existing =
                Files.exists(page)
                        ? Files.readString(page, StandardCharsets.UTF_8)
                        : "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">"
                                + "<title>Tokenizer analysis</title><style>"
                                + ReportHtml.STYLE
                                + "</style></head>\n<body>\n</body>\n</html>\n";
        Files.writeString(page, withSection(existing, section), StandardCharsets.UTF_8);
        TokenizerDirectory.writeManifest(
                dir, TokenizerDirectory.withChecksums(dir, TokenizerDirectory.readManifest(dir)));
    }

    /**
     * {@code page} with its analysis section replaced by {@code section}, or added before body's
     * end.
     */
    static String withSection(String page, String section) {
        String block = BEGIN + "\n" + section + END + "\n";
        int begin = page.indexOf(BEGIN);
        int end = page.indexOf(END);
        if (begin >= 0 && end > begin) {
            return page.substring(0, begin) + block + page.substring(end + END.length() + 1);
        }
        int body = page.lastIndexOf("</body>");
        if (body < 0) {
            return page + block;
        }
        return page.substring(0, body) + block + page.substring(body);
    }

    private static String html(
            AnalysisResult result,
            Optional<Figure> information,
            Optional<Figure> usage,
            Optional<Figure> variance,
            Figure prior) {
        StringBuilder out = new StringBuilder(4096);
        out.append("<h2>Analysis</h2>\n<p class=\"meta\">")
                .append(escape(result.model().getOrDefault("data", "")))
                .append(escape(String.format(Locale.ROOT, "; %.1f s", result.seconds())))
                .append("</p>\n<table>\n<tr><th>metric</th><th>train</th><th>test</th>")
                .append("<th>meaning</th></tr>\n");
        Set<String> names = new LinkedHashSet<>(result.train().metrics().keySet());
        names.addAll(result.test().metrics().keySet());
        for (String name : names) {
            out.append("<tr><td><code>").append(escape(name)).append("</code></td>");
            for (Map<String, Double> m :
                    List.of(result.train().metrics(), result.test().metrics())) {
                Double v = m.get(name);
                out.append("<td class=\"num\">")
                        .append(v == null ? "" : escape(formatNumber(v)))
                        .append("</td>");
            }
            out.append("<td class=\"note\">")
                    .append(escape(MetricGlossary.meaning(name)))
                    .append("</td></tr>\n");
        }
        out.append("</table>\n<table>\n");
        result.crossSplit()
                .forEach(
                        (name, v) ->
                                out.append("<tr><td><code>")
                                        .append(escape(name))
                                        .append("</code></td><td class=\"num\">")
                                        .append(escape(formatNumber(v)))
                                        .append("</td><td class=\"note\">")
                                        .append(escape(MetricGlossary.meaning(name)))
                                        .append("</td></tr>\n"));
        out.append("</table>\n<p>")
                .append(
                        escape(
                                result.couplingBoundHolds()
                                        ? "Coupling bound holds on both splits: W2 between the"
                                                + " Gaussian fits never exceeds the root mean"
                                                + " squared per-image error."
                                        : "Coupling bound VIOLATED: the Fréchet computation is"
                                                + " wrong."))
                .append("</p>\n");
        information.ifPresent(
                f ->
                        figure(
                                out,
                                f,
                                "Mutual information between image and code at each latent"
                                        + " position (test split, nats)."));
        usage.ifPresent(f -> figure(out, f, "Code usage over the test split."));
        figure(
                out,
                prior,
                "Top: real test images. Bottom: decodes of token grids drawn position by position"
                        + " from the training set's code frequencies (the frechet_prior samples).");
        variance.ifPresent(f -> figure(out, f, "Learned σ_q² over training."));
        return out.toString();
    }

    private static void figure(StringBuilder out, Figure f, String caption) {
        ReportHtml.figure(out, f, "", caption);
    }

    static HeatMapChart informationMap(AnalysisResult result) {
        String[] grid = result.model().get("grid").split("x");
        int h = Integer.parseInt(grid[0]);
        int w = Integer.parseInt(grid[1]);
        double[] mi = result.test().information().positionInformation();
        List<Integer> xs = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        for (int x = 0; x < w; x++) {
            xs.add(x);
        }
        for (int y = 0; y < h; y++) {
            ys.add(h - 1 - y);
        }
        List<Number[]> cells = new ArrayList<>();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // XChart draws row index 0 at the bottom; flip so the map reads like the image.
                cells.add(new Number[] {x, h - 1 - y, mi[y * w + x]});
            }
        }
        HeatMapChart chart =
                new HeatMapChartBuilder()
                        .width(Math.max(360, 60 * w + 160))
                        .height(Math.max(300, 60 * h + 80))
                        .title("Mutual information per position (nats)")
                        .xAxisTitle("latent x")
                        .yAxisTitle("latent y (row 0 on top)")
                        .build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setShowValue(h * w <= 256);
        chart.getStyler().setHeatMapValueDecimalPattern("0.00");
        chart.addSeries("mutual information", xs, ys, cells);
        return chart;
    }

    private static Optional<XYChart> varianceChart(AnalysisResult result) {
        double[][] trace = result.posteriorVarianceTrace();
        if (trace.length == 0) {
            return Optional.empty();
        }
        double[] steps = new double[trace.length];
        double[] values = new double[trace.length];
        for (int i = 0; i < trace.length; i++) {
            steps[i] = trace[i][0];
            values[i] = trace[i][1];
        }
        XYChart chart =
                new XYChartBuilder()
                        .width(ReportCharts.WIDTH)
                        .height(ReportCharts.HEIGHT)
                        .title("Learned posterior variance")
                        .xAxisTitle("step")
                        .yAxisTitle("σ_q²")
                        .build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendVisible(false);
        chart.addSeries("σ_q²", steps, values);
        return Optional.of(chart);
    }
}
