package dev.tessera.train.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.lines.SeriesLines;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The plots of {@code tessera sweep}: rate (mutual information) against distortion with train and
 * test curves on one plot, and the generalization gap and {@code frechet_prior} against β.
 */
public final class SweepCharts {

    public static final String RATE_DISTORTION_PNG = "sweep-rate-distortion.png";
    public static final String GAP_PNG = "sweep-generalization-gap.png";
    public static final String FRECHET_PNG = "sweep-frechet-prior.png";

    private SweepCharts() {}

    /** Writes the three plots into {@code dir}; returns their files. */
    public static List<Path> write(Path dir, List<SweepPoint> points) throws IOException {
        TrainingReport.prepareAwt();
        List<Path> files = new ArrayList<>();
        files.add(png(dir, RATE_DISTORTION_PNG, rateDistortion(points)));
        files.add(
                png(
                        dir,
                        GAP_PNG,
                        againstBeta(
                                points,
                                "Generalization gap",
                                "test mse − train mse",
                                SweepPoint::generalizationGap)));
        files.add(
                png(
                        dir,
                        FRECHET_PNG,
                        againstBeta(
                                points,
                                "Fréchet distance of position-prior samples",
                                "frechet_prior",
                                SweepPoint::frechetPrior)));
        return files;
    }

    private static Path png(Path dir, String name, XYChart chart) throws IOException {
        Path file = dir.resolve(name);
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    static XYChart rateDistortion(List<SweepPoint> points) {
        XYChart chart =
                chart(
                        "Rate vs distortion (labels: β)",
                        "mutual information of the codes (nats per image)",
                        "mse");
        for (Map.Entry<String, List<SweepPoint>> e : bySeries(points).entrySet()) {
            List<SweepPoint> curve = new ArrayList<>(e.getValue());
            curve.sort(Comparator.comparingDouble(SweepPoint::testInformation));
            addCurve(
                    chart,
                    e.getKey() + " train",
                    curve,
                    SweepPoint::trainInformation,
                    SweepPoint::trainMse,
                    SeriesLines.DASH_DASH);
            XYSeries test =
                    addCurve(
                            chart,
                            e.getKey() + " test",
                            curve,
                            SweepPoint::testInformation,
                            SweepPoint::testMse,
                            SeriesLines.SOLID);
            for (SweepPoint p : curve) {
                chart.addAnnotation(
                        new org.knowm.xchart.AnnotationText(
                                "β " + format(p.beta()), p.testInformation(), p.testMse(), false));
            }
            test.setShowInLegend(true);
        }
        return chart;
    }

    static XYChart againstBeta(
            List<SweepPoint> points, String title, String yTitle, ToDoubleFunction<SweepPoint> y) {
        XYChart chart = chart(title, "β (log scale)", yTitle);
        chart.getStyler().setXAxisLogarithmic(true);
        for (Map.Entry<String, List<SweepPoint>> e : bySeries(points).entrySet()) {
            List<SweepPoint> curve = new ArrayList<>(e.getValue());
            curve.sort(Comparator.comparingDouble(SweepPoint::beta));
            addCurve(chart, e.getKey(), curve, SweepPoint::beta, y, SeriesLines.SOLID);
        }
        return chart;
    }

    private static XYSeries addCurve(
            XYChart chart,
            String name,
            List<SweepPoint> curve,
            ToDoubleFunction<SweepPoint> x,
            ToDoubleFunction<SweepPoint> y,
            java.awt.BasicStroke line) {
        double[] xs = curve.stream().mapToDouble(x).toArray();
        double[] ys = curve.stream().mapToDouble(y).toArray();
        XYSeries series = chart.addSeries(name, xs, ys);
        series.setLineStyle(line);
        return series;
    }

    private static Map<String, List<SweepPoint>> bySeries(List<SweepPoint> points) {
        Map<String, List<SweepPoint>> series = new LinkedHashMap<>();
        for (SweepPoint p : points) {
            series.computeIfAbsent(p.series(), k -> new ArrayList<>()).add(p);
        }
        return series;
    }

    private static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart chart =
                new XYChartBuilder()
                        .width(ReportCharts.WIDTH)
                        .height(ReportCharts.HEIGHT + 60)
                        .title(title)
                        .xAxisTitle(xTitle)
                        .yAxisTitle(yTitle)
                        .build();
        chart.getStyler().setLocale(Locale.ROOT);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(LegendPosition.OutsideS);
        chart.getStyler().setMarkerSize(7);
        return chart;
    }

    /** β as written on the command line: {@code 0.1}, {@code 3}. */
    public static String format(double beta) {
        return beta == Math.rint(beta)
                ? String.valueOf((long) beta)
                : String.valueOf(beta).replaceFirst("0+$", "");
    }
}
