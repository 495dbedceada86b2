package dev.tessera.train.report;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.train.eval.CodebookUsage;
import dev.tessera.train.train.TrainingProgress;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Builds the text of {@code report.html}: one self-contained page, styles inline, no scripts. */
final class ReportHtml {

    /** A PNG next to the page, with its size so the browser can lay out before it loads. */
    record Figure(String file, int width, int height) {}

    /**
     * The pictures that were written; empty where there was nothing to show, or where charts could
     * not be drawn at all ({@code chartFailure} then says why).
     */
    record Figures(
            Optional<Figure> reconstructions,
            Optional<Figure> codeUsage,
            Optional<Figure> loss,
            Optional<Figure> usage,
            Optional<String> chartFailure) {}

    static final String STYLE =
            "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;"
                    + "padding:0 1em;color:#222}"
                    + "h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em}"
                    + "table{border-collapse:collapse}"
                    + "th,td{border:1px solid #ddd;padding:.3em .7em;text-align:left;"
                    + "vertical-align:top}"
                    + "th{background:#f4f4f4}td.num{text-align:right;"
                    + "font-variant-numeric:tabular-nums}"
                    + "td.note{color:#666}code{font-size:.95em}"
                    + "figure{margin:1em 0}img{max-width:100%;height:auto}"
                    + "img.pixels{image-rendering:pixelated}"
                    + "figcaption,.meta,.empty{color:#555}";

    private final StringBuilder out = new StringBuilder(8192);
    private final Optional<String> chartFailure;

    private ReportHtml(Optional<String> chartFailure) {
        this.chartFailure = chartFailure;
    }

    /** The whole page for {@code data}, stamped with {@code generatedAt}. */
    static String render(ReportData data, Figures figures, Instant generatedAt) {
        ReportHtml page = new ReportHtml(figures.chartFailure());
        page.head(data.title(), generatedAt);
        page.reconstructions(data, figures.reconstructions());
        page.metrics(data.metrics());
        page.codeUsage(data.codeCounts(), figures.codeUsage());
        page.training(data.history(), figures.loss(), figures.usage());
        page.configuration(data.config());
        page.out.append("</body>\n</html>\n");
        return page.out.toString();
    }

    private void head(String title, Instant generatedAt) {
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>")
                .append(escape(title))
                .append("</title>\n<style>")
                .append(STYLE)
                .append("</style>\n</head>\n<body>\n<h1>")
                .append(escape(title))
                .append("</h1>\n<p class=\"meta\">Generated ")
                .append(generatedAt.truncatedTo(ChronoUnit.SECONDS))
                .append(" by Tessera.</p>\n");
    }

    private void reconstructions(ReportData data, Optional<Figure> figure) {
        out.append("<h2>Reconstructions</h2>\n");
        if (figure.isEmpty()) {
            empty("No images were kept for this report.");
            return;
        }
        ImageBatch originals = data.originals();
        figure(
                figure.get(),
                "pixels",
                "Top row: "
                        + TrainingReport.gridColumns(originals)
                        + " held-out originals; bottom row: their reconstructions"
                        + " (decode of encode). Each pixel is drawn as a "
                        + ImageGrid.scaleFor(originals.height(), originals.width())
                        + "×"
                        + ImageGrid.scaleFor(originals.height(), originals.width())
                        + " square.");
    }

    private void metrics(Map<String, Double> metrics) {
        out.append("<h2>Metrics</h2>\n");
        if (metrics.isEmpty()) {
            empty("No metrics were recorded.");
            return;
        }
        out.append("<table>\n<tr><th>metric</th><th>value</th><th>meaning</th></tr>\n");
        metrics.forEach(
                (name, value) ->
                        out.append("<tr><td><code>")
                                .append(escape(name))
                                .append("</code></td><td class=\"num\">")
                                .append(escape(formatNumber(value)))
                                .append("</td><td class=\"note\">")
                                .append(escape(MetricGlossary.meaning(name)))
                                .append("</td></tr>\n"));
        out.append("</table>\n");
    }

    private void codeUsage(long[] counts, Optional<Figure> figure) {
        out.append("<h2>Code usage</h2>\n");
        CodebookUsage usage = new CodebookUsage(counts.length, counts);
        if (figure.isEmpty()) {
            missingChart(
                    counts.length == 0
                            ? "No code counts were recorded."
                            : "No tokens were counted for the "
                                    + counts.length
                                    + " codes, so there is no histogram.");
            return;
        }
        long top = counts[0];
        for (long c : counts) {
            top = Math.max(top, c);
        }
        figure(
                figure.get(),
                "",
                String.format(
                        Locale.ROOT,
                        "Tokens per code over %s tokens, codes sorted from most to least used."
                                + " K = %d: %d used, %d dead codes (%.1f %%); perplexity %s of"
                                + " %d; the most used code takes %.2f %% of the tokens.",
                        formatNumber(usage.total()),
                        counts.length,
                        usage.usedCodes(),
                        usage.deadCodes(),
                        100.0 * usage.deadCodes() / counts.length,
                        formatNumber(usage.perplexity()),
                        counts.length,
                        100.0 * top / usage.total()));
    }

    private void training(
            List<TrainingProgress> history, Optional<Figure> loss, Optional<Figure> usage) {
        out.append("<h2>Training</h2>\n");
        if (history.isEmpty()) {
            empty("No training progress was recorded.");
            return;
        }
        TrainingProgress last = history.get(history.size() - 1);
        out.append("<p>")
                .append(
                        escape(
                                String.format(
                                        Locale.ROOT,
                                        "%d progress reports up to step %d of %d, %s s of"
                                                + " training. Last report: loss %s, mse %s,"
                                                + " usage %s, temperature %s.",
                                        history.size(),
                                        last.step(),
                                        last.steps(),
                                        formatNumber(last.elapsedSeconds()),
                                        formatNumber(last.loss()),
                                        formatNumber(last.mse()),
                                        formatNumber(last.usage()),
                                        formatNumber(last.temperature()))))
                .append("</p>\n");
        String window = "Each point is the mean over the steps since the previous report.";
        loss.ifPresentOrElse(
                f -> figure(f, "", window),
                () -> missingChart("The loss was never finite, so there is no loss curve."));
        usage.ifPresentOrElse(
                f -> figure(f, "", window + " Usage counts hard code choices."),
                () -> missingChart("Usage was never finite, so there is no usage curve."));
    }

    private void configuration(Map<String, String> config) {
        out.append("<h2>Configuration</h2>\n");
        if (config.isEmpty()) {
            empty("No configuration was recorded.");
            return;
        }
        out.append("<table>\n<tr><th>setting</th><th>value</th></tr>\n");
        config.forEach(
                (key, value) ->
                        out.append("<tr><td><code>")
                                .append(escape(key))
                                .append("</code></td><td>")
                                .append(escape(value))
                                .append("</td></tr>\n"));
        out.append("</table>\n");
    }

    /** Why a chart is missing: the data's reason, unless no chart could be drawn at all. */
    private void missingChart(String reason) {
        empty(chartFailure.map(f -> "The chart could not be drawn here: " + f).orElse(reason));
    }

    private void figure(Figure figure, String imageClass, String caption) {
        figure(out, figure, imageClass, caption);
    }

    /** An {@code <img>} of {@code figure} with its caption, appended to {@code out}. */
    static void figure(StringBuilder out, Figure figure, String imageClass, String caption) {
        out.append("<figure><img src=\"")
                .append(escape(figure.file()))
                .append("\" width=\"")
                .append(figure.width())
                .append("\" height=\"")
                .append(figure.height())
                .append(imageClass.isEmpty() ? "" : "\" class=\"" + imageClass)
                .append("\" alt=\"")
                .append(escape(caption))
                .append("\"><figcaption>")
                .append(escape(caption))
                .append("</figcaption></figure>\n");
    }

    private void empty(String sentence) {
        out.append("<p class=\"empty\">").append(escape(sentence)).append("</p>\n");
    }

    /** Escapes the five characters that could end a text node or an attribute value. */
    static String escape(String text) {
        StringBuilder s = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> s.append("&amp;");
                case '<' -> s.append("&lt;");
                case '>' -> s.append("&gt;");
                case '"' -> s.append("&quot;");
                case '\'' -> s.append("&#39;");
                default -> s.append(c);
            }
        }
        return s.toString();
    }

    /**
     * A number as a person reads it in a table: whole numbers with thousands separators ({@code
     * 1,234,567}), ordinary magnitudes to five significant digits ({@code 0.00021}, {@code
     * 29.123}), very small or large ones in scientific notation ({@code 1.5e-05}).
     */
    static String formatNumber(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "∞" : "−∞";
        }
        double magnitude = Math.abs(value);
        if (value == Math.rint(value) && magnitude < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) value);
        }
        if (magnitude >= 1e-4 && magnitude < 1e6) {
            return new BigDecimal(value)
                    .round(new MathContext(5))
                    .stripTrailingZeros()
                    .toPlainString();
        }
        return String.format(Locale.ROOT, "%.4e", value).replaceFirst("\\.?0*e", "e");
    }
}
