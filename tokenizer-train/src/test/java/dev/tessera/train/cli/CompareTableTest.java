package dev.tessera.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

class CompareTableTest {

    private static CompareCommand.Run run(
            String quantizer, long seed, double scale, double imagesPerSecond) {
        return new CompareCommand.Run(
                quantizer,
                seed,
                Map.of(
                        "mse",
                        0.01 * scale,
                        "psnr",
                        18 + 2 * scale,
                        "perplexity",
                        90 + 10 * scale,
                        "usage",
                        0.4 + 0.1 * scale,
                        "dead_codes",
                        10 * scale,
                        "images_per_second",
                        imagesPerSecond),
                1e6);
    }

    /** vq over seeds with scale 1, 2, 3; fsq with one seed. matmul rate 1e10 FLOP/s. */
    private static CompareTable table() {
        return new CompareTable(
                List.of(
                        run("vq", 1, 1, 1000),
                        run("fsq", 1, 4, 2000),
                        run("vq", 2, 2, 1100),
                        run("vq", 3, 3, 1200)),
                1e10);
    }

    @Test
    void statIsMeanAndSampleStandardDeviation() {
        CompareTable.Stat s = CompareTable.Stat.of(List.of(2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0));
        assertEquals(5.0, s.mean(), 1e-12);
        // Σ(x − 5)² = 32 over n − 1 = 7.
        assertEquals(Math.sqrt(32.0 / 7), s.std(), 1e-12);
        assertEquals(8, s.n());
        CompareTable.Stat one = CompareTable.Stat.of(List.of(3.5));
        assertEquals(3.5, one.mean());
        assertEquals(0.0, one.std());
    }

    @Test
    void summaryGroupsRunsByQuantizerInOrderOfFirstAppearance() {
        Map<String, Map<String, CompareTable.Stat>> summary = table().summary();
        assertEquals(List.of("vq", "fsq"), List.copyOf(summary.keySet()));
        Map<String, CompareTable.Stat> vq = summary.get("vq");
        assertEquals(0.02, vq.get("mse").mean(), 1e-12);
        assertEquals(0.01, vq.get("mse").std(), 1e-12);
        assertEquals(22, vq.get("psnr").mean(), 1e-12);
        assertEquals(2, vq.get("psnr").std(), 1e-12);
        assertEquals(3, vq.get("psnr").n());
        // images/s · FLOPs per image / matmul rate = 1000·1e6/1e10 = 0.10, then 0.11, 0.12.
        assertEquals(0.11, vq.get("matmul_fraction").mean(), 1e-12);
        assertEquals(0.01, vq.get("matmul_fraction").std(), 1e-12);
        assertEquals(0.2, summary.get("fsq").get("matmul_fraction").mean(), 1e-12);
        assertEquals(1, summary.get("fsq").get("mse").n());
    }

    @Test
    void renderShowsEveryNumberFormatted() {
        String text = table().render();
        String[] lines = text.split("\\R");
        assertEquals(4, lines.length);
        assertTrue(lines[0].startsWith("| quantizer | mse | psnr (dB) |"), lines[0]);
        assertEquals(
                "| vq | 0.02000 ± 0.01000 | 22.00 ± 2.00 | 110.0 ± 10.0 | 0.600 ± 0.100 |"
                        + " 20.0 ± 10.0 | 1100 ± 100 | 11.0% ± 1.0% |",
                lines[2]);
        assertEquals(
                "| fsq | 0.04000 ± 0.00000 | 26.00 ± 0.00 | 130.0 ± 0.0 | 0.800 ± 0.000 |"
                        + " 40.0 ± 0.0 | 2000 ± 0 | 20.0% ± 0.0% |",
                lines[3]);
    }
}
