package dev.tessera.train.report;

import dev.tessera.train.train.TrainingProgress;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The report's plots as XChart charts. Each factory returns empty when there is nothing to plot (no
 * progress reports, no finite values, no counted tokens): an empty chart would look like data.
 */
final class ReportCharts {

    static final int WIDTH = 760;
    static final int HEIGHT = 380;

    /** Up to this many points a curve also gets markers, so that a short run is not one dot. */
    private static final int MARKER_LIMIT = 40;

    private ReportCharts() {}

    /** Training loss and reconstruction mse against the step, on a log axis when both allow it. */
    static Optional<XYChart> loss(List<TrainingProgress> history) {
        XYChart chart = newChart("Loss and reconstruction error", "step", "per-element mean");
        boolean any = addCurve(chart, "loss", history, TrainingProgress::loss);
        any |= addCurve(chart, "mse", history, TrainingProgress::mse);
        if (!any) {
            return Optional.empty();
        }
        // Losses fall over orders of magnitude; a log axis keeps the late, slow progress visible.
        // XChart refuses a log axis with values ≤ 0, which a loss with a KL term can produce.
        chart.getStyler().setYAxisLogarithmic(allPositive(chart));
        return Optional.of(chart);
    }

    /** Fraction of codes chosen in each reporting window against the step, on a fixed 0..1 axis. */
    static Optional<XYChart> usage(List<TrainingProgress> history) {
        XYChart chart =
                newChart("Codebook usage during training", "step", "fraction of codes used");
        if (!addCurve(chart, "usage", history, TrainingProgress::usage)) {
            return Optional.empty();
        }
        // A fixed axis makes runs comparable and shows a collapse as a drop, not as a rescaled
        // line.
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        // One series needs no legend, and near full usage the box would cover the curve.
        chart.getStyler().setLegendVisible(false);
        return Optional.of(chart);
    }

    /**
     * Token count of every code, most used first, with the count a uniform code distribution would
     * give for reference. Codes that are never used form the flat zero tail on the right.
     */
    static Optional<XYChart> codeUsage(long[] counts) {
        long total = Arrays.stream(counts).sum();
        if (counts.length == 0 || total == 0) {
            return Optional.empty();
        }
        double[] rank = new double[counts.length];
        double[] sorted = new double[counts.length];
        long[] descending = counts.clone();
        Arrays.sort(descending);
        for (int i = 0; i < counts.length; i++) {
            rank[i] = i + 1;
            sorted[i] = descending[counts.length - 1 - i];
        }
        XYChart chart = newChart("Code usage (K = " + counts.length + ")", "code rank", "tokens");
        XYSeries codes = chart.addSeries("tokens per code", rank, sorted);
        codes.setXYSeriesRenderStyle(XYSeriesRenderStyle.StepArea);
        codes.setMarker(SeriesMarkers.NONE);
        double uniform = total / (double) counts.length;
        XYSeries flat =
                chart.addSeries(
                        "uniform (" + String.format(Locale.ROOT, "%.1f", uniform) + ")",
                        new double[] {1, Math.max(2, counts.length)},
                        new double[] {uniform, uniform});
        flat.setMarker(SeriesMarkers.NONE);
        flat.setLineColor(Color.DARK_GRAY);
        flat.setLineStyle(
                new BasicStroke(
                        1.5f,
                        BasicStroke.CAP_BUTT,
                        BasicStroke.JOIN_MITER,
                        10f,
                        new float[] {6f, 4f},
                        0f));
        chart.getStyler().setYAxisMin(0.0);
        return Optional.of(chart);
    }

    private static XYChart newChart(String title, String xTitle, String yTitle) {
        XYChart chart =
                new XYChartBuilder()
                        .width(WIDTH)
                        .height(HEIGHT)
                        .title(title)
                        .xAxisTitle(xTitle)
                        .yAxisTitle(yTitle)
                        .build();
        XYStyler styler = chart.getStyler();
        styler.setLocale(Locale.ROOT);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setLegendPosition(LegendPosition.InsideNE);
        styler.setYAxisLogarithmicDecadeOnly(false);
        styler.setMarkerSize(5);
        return chart;
    }

    /** Adds the finite points of one quantity; returns whether there were any. */
    private static boolean addCurve(
            XYChart chart,
            String name,
            List<TrainingProgress> history,
            ToDoubleFunction<TrainingProgress> quantity) {
        // A diverged run reports NaN or infinite losses; those points are left out, not plotted.
        double[] x = new double[history.size()];
        double[] y = new double[history.size()];
        int n = 0;
        for (TrainingProgress p : history) {
            double v = quantity.applyAsDouble(p);
            if (Double.isFinite(v)) {
                x[n] = p.step();
                y[n] = v;
                n++;
            }
        }
        if (n == 0) {
            return false;
        }
        XYSeries series = chart.addSeries(name, Arrays.copyOf(x, n), Arrays.copyOf(y, n));
        series.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
        series.setMarker(n <= MARKER_LIMIT ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        return true;
    }

    private static boolean allPositive(XYChart chart) {
        return chart.getSeriesMap().values().stream()
                .flatMapToDouble(s -> Arrays.stream(s.getYData()))
                .allMatch(v -> v > 0);
    }
}
