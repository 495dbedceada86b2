package dev.tessera.train.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

class SplitMetricsTest {

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    /**
     * Two batches, 6 pixel values in all: errors 0, 255, 0, 1, 0, 0.5 levels. mse = (1 + (1/255)² +
     * (0.5/255)²)/6 = 0.16666987. Tokens 0,0,1 and 1,1,3 of K = 4: counts (2,3,0,1), p = (⅓, ½, ⅙),
     * perplexity exp(⅓ ln 3 + ½ ln 2 + ⅙ ln 6) = 2.7494593.
     */
    private static SplitMetrics twoBatches() {
        SplitMetrics m = new SplitMetrics(4, null);
        m.add(bytes(0, 255), new int[] {0, 0, 1}, bytes(0, 0), 1);
        m.add(bytes(100, 50, 10, 20), new int[] {1, 1, 3}, new float[] {100, 51, 10, 20.5f}, 2);
        return m;
    }

    @Test
    void metricsOfTwoBatchesMatchHandValues() {
        Map<String, Double> metrics = twoBatches().metrics();
        double mse = (1 + 1.25 / 65025) / 6;
        assertEquals(mse, metrics.get("mse"), 1e-12);
        assertEquals(7.781429018579, metrics.get("psnr"), 1e-9);
        assertEquals(10 * Math.log10(1 / mse), metrics.get("psnr"), 1e-12);
        assertEquals(2.749459273997, metrics.get("perplexity"), 1e-9);
        assertEquals(0.75, metrics.get("usage"));
        assertEquals(1.0, metrics.get("dead_codes"));
        assertEquals(3.0, metrics.get("images"));
        assertFalse(metrics.containsKey("soft_perplexity"));
        assertEquals(
                List.of("mse", "psnr", "perplexity", "usage", "dead_codes", "images"),
                List.copyOf(metrics.keySet()));
    }

    @Test
    void countsAreTheTokenFrequencies() {
        assertArrayEquals(new long[] {2, 3, 0, 1}, twoBatches().counts());
    }

    @Test
    void softPerplexityComesFromTheLatents() {
        SplitMetrics m = new SplitMetrics(2, new SoftAssignments(new float[] {-1, 1}, 2, 1, 1.0));
        m.add(bytes(7), new int[] {0, 0}, bytes(7), 1);
        m.addLatents(new float[] {0});
        m.addLatents(new float[] {-1});
        Map<String, Double> metrics = m.metrics();
        // See SoftAssignmentsTest: q̄ = (0.6903985, 0.3096015).
        assertEquals(1.8566641584, metrics.get("soft_perplexity"), 1e-6);
        // Hard tokens all code 0: perplexity 1, one dead code; perfect pixels: psnr ∞.
        assertEquals(1.0, metrics.get("perplexity"), 1e-12);
        assertEquals(1.0, metrics.get("dead_codes"));
        assertEquals(0.0, metrics.get("mse"));
        assertEquals(Double.POSITIVE_INFINITY, metrics.get("psnr"));
    }

    @Test
    void latentsWithoutAPosteriorAreIgnored() {
        SplitMetrics m = new SplitMetrics(2, null);
        m.add(bytes(1), new int[] {1}, bytes(1), 1);
        m.addLatents(new float[] {0.5f});
        assertFalse(m.metrics().containsKey("soft_perplexity"));
    }

    @Test
    void noImagesIsAnError() {
        assertThrows(IllegalStateException.class, () -> new SplitMetrics(2, null).metrics());
    }
}
