package dev.tessera.train.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.train.train.TrainingProgress;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

import java.awt.image.BufferedImage;
import java.util.List;

class ReportChartsTest {

    private static TrainingProgress at(int step, double loss, double mse, double usage) {
        return new TrainingProgress(step, 300, loss, mse, usage, 0.5, step / 10.0);
    }

    @Test
    void nothingToPlotGivesNoChart() {
        assertTrue(ReportCharts.loss(List.of()).isEmpty());
        assertTrue(ReportCharts.usage(List.of()).isEmpty());
        assertTrue(ReportCharts.codeUsage(new long[0]).isEmpty());
        assertTrue(ReportCharts.codeUsage(new long[] {0, 0, 0, 0}).isEmpty());
        List<TrainingProgress> diverged = List.of(at(100, Double.NaN, Double.NaN, Double.NaN));
        assertTrue(ReportCharts.loss(diverged).isEmpty());
        assertTrue(ReportCharts.usage(diverged).isEmpty());
    }

    @Test
    void lossCurvesLeaveOutNonFinitePointsAndUseALogAxisForPositiveValues() {
        XYChart chart =
                ReportCharts.loss(
                                List.of(
                                        at(100, 0.5, 0.2, 0.3),
                                        at(200, Double.POSITIVE_INFINITY, 0.05, 0.6),
                                        at(300, 0.01, 0.004, 0.9)))
                        .orElseThrow();

        XYSeries loss = chart.getSeriesMap().get("loss");
        assertArrayEquals(new double[] {100, 300}, loss.getXData());
        assertArrayEquals(new double[] {0.5, 0.01}, loss.getYData());
        assertArrayEquals(
                new double[] {0.2, 0.05, 0.004}, chart.getSeriesMap().get("mse").getYData());
        assertTrue(chart.getStyler().isYAxisLogarithmic());
        assertRendersWithSeveralColours(chart);
    }

    @Test
    void lossAtOrBelowZeroKeepsALinearAxis() {
        XYChart chart =
                ReportCharts.loss(List.of(at(1, -0.2, 0.3, 0.5), at(2, 0.1, 0.2, 0.5)))
                        .orElseThrow();

        assertFalse(chart.getStyler().isYAxisLogarithmic());
        assertRendersWithSeveralColours(chart);
    }

    @Test
    void aSingleReportStillRenders() {
        List<TrainingProgress> one = List.of(at(50, 0.3, 0.1, 1.0));

        assertRendersWithSeveralColours(ReportCharts.loss(one).orElseThrow());
        assertRendersWithSeveralColours(ReportCharts.usage(one).orElseThrow());
    }

    @Test
    void codeUsageSortsCountsDescendingWithDeadCodesLast() {
        XYChart chart = ReportCharts.codeUsage(new long[] {3, 0, 10, 1, 0, 6}).orElseThrow();

        XYSeries codes = chart.getSeriesMap().get("tokens per code");
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, codes.getXData());
        assertArrayEquals(new double[] {10, 6, 3, 1, 0, 0}, codes.getYData());
        // 20 tokens over 6 codes
        XYSeries uniform = chart.getSeriesMap().get("uniform (3.3)");
        assertArrayEquals(new double[] {20 / 6.0, 20 / 6.0}, uniform.getYData(), 1e-12);
        assertRendersWithSeveralColours(chart);
    }

    @Test
    void aSingleUsedCodeStillRenders() {
        assertRendersWithSeveralColours(ReportCharts.codeUsage(new long[] {7}).orElseThrow());
    }

    private static void assertRendersWithSeveralColours(XYChart chart) {
        BufferedImage image = BitmapEncoder.getBufferedImage(chart);
        assertEquals(ReportCharts.WIDTH, image.getWidth());
        assertEquals(ReportCharts.HEIGHT, image.getHeight());
        assertTrue(TrainingReportTest.distinctColours(image) > 1);
    }
}
