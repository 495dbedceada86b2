package dev.tessera.train.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.train.train.TrainingProgress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

class TrainingReportTest {

    private static final Pattern IMG_SRC = Pattern.compile("<img src=\"([^\"]+)\"");

    @TempDir Path dir;

    @Test
    void writesAPageAndEveryPictureItLinks() throws IOException {
        ReportData data = sampleData();

        Path html = TrainingReport.write(dir, data, Instant.parse("2025-01-02T03:04:05.678Z"));

        assertEquals(dir.resolve("report.html"), html);
        String page = Files.readString(html, StandardCharsets.UTF_8);
        List<String> linked = linkedImages(page);
        assertEquals(
                List.of("reconstructions.png", "code-usage.png", "loss.png", "usage.png"), linked);
        for (String name : linked.subList(1, linked.size())) {
            BufferedImage chart = decode(dir.resolve(name));
            assertEquals(ReportCharts.WIDTH, chart.getWidth(), name);
            assertEquals(ReportCharts.HEIGHT, chart.getHeight(), name);
            assertTrue(distinctColours(chart) > 1, name + " is a single colour");
        }
        assertTrue(page.contains("Generated 2025-01-02T03:04:05Z"));
    }

    @Test
    void reconstructionGridShowsOriginalsAboveReconstructionsEnlarged() throws IOException {
        ReportData data = sampleData();

        TrainingReport.write(dir, data);

        BufferedImage grid = decode(dir.resolve("reconstructions.png"));
        // 6 grey 8×8 images, enlarged ×8 into 64-pixel cells with 2-pixel gaps, in two rows
        assertEquals(6 * (64 + 2) + 2, grid.getWidth());
        assertEquals(2 * (64 + 2) + 2, grid.getHeight());
        for (int n = 0; n < 6; n++) {
            int left = 2 + n * 66;
            int original = data.originals().pixel(n, 0, 3, 5);
            int reconstruction = data.reconstructions().pixel(n, 0, 3, 5);
            assertEquals(grey(original), grid.getRGB(left + 5 * 8, 2 + 3 * 8) & 0xFFFFFF);
            assertEquals(
                    grey(reconstruction), grid.getRGB(left + 5 * 8 + 7, 68 + 3 * 8 + 7) & 0xFFFFFF);
        }
        assertTrue(distinctColours(grid) > 1);
    }

    @Test
    void pageNamesEveryMetricAndSettingWithEscapedValues() throws IOException {
        ReportData data = sampleData();

        String page = Files.readString(TrainingReport.write(dir, data));

        for (String metric : data.metrics().keySet()) {
            assertTrue(page.contains("<code>" + metric + "</code>"), metric);
        }
        for (String key : data.config().keySet()) {
            assertTrue(page.contains("<code>" + key + "</code>"), key);
        }
        assertTrue(page.contains("<td>shapes &lt;synthetic&gt; &amp; more</td>"));
        assertFalse(page.contains("<synthetic>"));
        assertTrue(page.contains("<title>gmvq &quot;small&quot; v1 &lt;test&gt;</title>"));
        assertTrue(page.contains("<td class=\"num\">0.0023457</td>"), "mse to 5 digits");
        assertTrue(page.contains("<td class=\"num\">1,234,567</td>"), "parameter count");
        assertTrue(page.contains("3 dead codes (18.8 %)"), "dead codes in the caption");
    }

    @Test
    void emptyHistoryAndZeroCountsGiveAPageWithoutThosePictures() throws IOException {
        Files.writeString(dir.resolve("loss.png"), "left by an earlier report");
        ReportData data =
                new ReportData("empty run", Map.of(), Map.of(), List.of(), new long[8], null, null);

        String page = Files.readString(TrainingReport.write(dir, data));

        assertEquals(List.of(), linkedImages(page));
        for (String name :
                List.of("reconstructions.png", "code-usage.png", "loss.png", "usage.png")) {
            assertFalse(Files.exists(dir.resolve(name)), name);
        }
        assertTrue(page.contains("No training progress was recorded."));
        assertTrue(page.contains("No tokens were counted for the 8 codes"));
        assertTrue(page.contains("No images were kept for this report."));
        assertTrue(page.contains("No metrics were recorded."));
    }

    static int distinctColours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }

    private static int grey(int v) {
        return (v << 16) | (v << 8) | v;
    }

    private static BufferedImage decode(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, png + " is not a readable image");
        return image;
    }

    private static List<String> linkedImages(String page) {
        List<String> names = new ArrayList<>();
        Matcher m = IMG_SRC.matcher(page);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** A run of 300 steps over 16 codes, three of them dead, with 6 grey 8×8 test images. */
    static ReportData sampleData() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("mse", 0.00234567);
        metrics.put("psnr", 26.2981);
        metrics.put("usage", 13 / 16.0);
        metrics.put("dead_codes", 3.0);
        metrics.put("encoder_params", 1_234_567.0);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quantizer", "gmvq");
        config.put("data", "shapes <synthetic> & more");
        config.put("steps", "300");
        List<TrainingProgress> history = new ArrayList<>();
        for (int step = 25; step <= 300; step += 25) {
            double loss = 0.2 * Math.exp(-step / 80.0) + 0.004;
            history.add(
                    new TrainingProgress(
                            step,
                            300,
                            loss,
                            0.8 * loss,
                            Math.min(1, step / 200.0),
                            0.9,
                            step / 20.0));
        }
        long[] counts = {40, 0, 12, 7, 90, 3, 0, 25, 18, 1, 0, 66, 5, 9, 30, 14};
        byte[] originals = new byte[6 * 8 * 8];
        byte[] reconstructions = new byte[originals.length];
        for (int i = 0; i < originals.length; i++) {
            originals[i] = (byte) (i * 37);
            reconstructions[i] = (byte) (i * 37 + 9);
        }
        return new ReportData(
                "gmvq \"small\" v1 <test>",
                metrics,
                config,
                history,
                counts,
                new ImageBatch(6, 1, 8, 8, originals),
                new ImageBatch(6, 1, 8, 8, reconstructions));
    }
}
