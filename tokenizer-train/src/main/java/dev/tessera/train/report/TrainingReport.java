package dev.tessera.train.report;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.train.report.ReportHtml.Figure;
import dev.tessera.train.report.ReportHtml.Figures;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import javax.imageio.ImageIO;

/**
 * Writes {@code report.html} into a tokenizer directory: originals above their reconstructions,
 * metric table, code-usage histogram, loss and usage curves over training, and the configuration.
 * The pictures are PNG files beside the page ({@value #RECONSTRUCTIONS_PNG}, {@value
 * #CODE_USAGE_PNG}, {@value #LOSS_PNG}, {@value #USAGE_PNG}), linked by relative names so the
 * directory can be moved or served as it is.
 */
public final class TrainingReport {

    /** File name of the page. */
    public static final String HTML = "report.html";

    public static final String RECONSTRUCTIONS_PNG = "reconstructions.png";
    public static final String CODE_USAGE_PNG = "code-usage.png";
    public static final String LOSS_PNG = "loss.png";
    public static final String USAGE_PNG = "usage.png";

    /** More originals make the grid too wide to compare a pair at a glance. */
    private static final int MAX_COLUMNS = 8;

    /**
     * Widest grid, in pixels: eight 32×32 images shown ×4 fit, and so does the page's column
     * ({@code max-width} in its style), where the browser would otherwise shrink and blur it.
     */
    private static final int MAX_GRID_WIDTH = 1100;

    private static final String HEADLESS = "java.awt.headless";

    private TrainingReport() {}

    /**
     * Writes {@value #HTML} plus the PNGs it references into {@code dir} (created if missing) and
     * returns the path of the page. A picture with nothing to show (no images, no progress reports,
     * no counted tokens) is not written, a file of that name left by an earlier report is removed,
     * and the page says why the picture is missing.
     */
    public static Path write(Path dir, ReportData data) throws IOException {
        return write(dir, data, warning -> {});
    }

    /**
     * As {@link #write(Path, ReportData)}; when no chart can be drawn on this machine (AWT without
     * any font), the page is written without its charts, says why in their place, and {@code
     * warnings} gets one line.
     */
    public static Path write(Path dir, ReportData data, Consumer<String> warnings)
            throws IOException {
        return write(dir, data, Instant.now(), warnings);
    }

    static Path write(Path dir, ReportData data, Instant generatedAt) throws IOException {
        return write(dir, data, generatedAt, warning -> {});
    }

    private static Path write(
            Path dir, ReportData data, Instant generatedAt, Consumer<String> warnings)
            throws IOException {
        Optional<String> failure = prepareCharts();
        Files.createDirectories(dir);
        Optional<Figure> grid = writeGrid(dir, data);
        List<Optional<XYChart>> charts =
                List.of(
                        ReportCharts.codeUsage(data.codeCounts()),
                        ReportCharts.loss(data.history()),
                        ReportCharts.usage(data.history()));
        List<String> names = List.of(CODE_USAGE_PNG, LOSS_PNG, USAGE_PNG);
        List<Optional<Figure>> drawn = new ArrayList<>();
        for (int i = 0; i < charts.size(); i++) {
            if (failure.isEmpty()) {
                try {
                    drawn.add(writeChart(dir, names.get(i), charts.get(i)));
                    continue;
                } catch (RuntimeException | Error e) {
                    // AWT's font manager fails with an Error where fontconfig finds no font.
                    failure = Optional.of(rootMessage(e));
                }
            }
            Files.deleteIfExists(dir.resolve(names.get(i)));
            drawn.add(Optional.empty());
        }
        failure.ifPresent(
                f -> warnings.accept("report: charts left out, AWT cannot draw them here: " + f));
        Figures figures = new Figures(grid, drawn.get(0), drawn.get(1), drawn.get(2), failure);
        Path html = dir.resolve(HTML);
        // Written last, so that a report.html on disk means every picture it names is there.
        Files.writeString(
                html, ReportHtml.render(data, figures, generatedAt), StandardCharsets.UTF_8);
        return html;
    }

    /** The message of the innermost cause: AWT wraps its font failures in reflection errors. */
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    /** Gets AWT ready for charts; the reason no chart can be drawn, if one is known already. */
    private static Optional<String> prepareCharts() {
        try {
            prepareAwt();
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** How many originals the grid shows: at most 8, and no wider than a browser window. */
    static int gridColumns(ImageBatch images) {
        int cell = images.width() * ImageGrid.scaleFor(images.height(), images.width());
        int fitting = Math.max(1, MAX_GRID_WIDTH / cell);
        return Math.min(images.count(), Math.min(MAX_COLUMNS, fitting));
    }

    /**
     * Reports are written by a command-line trainer, often over ssh, in a container or on a GPU
     * node. Unless headless, AWT font and image code may try to reach an X display named by a stale
     * {@code DISPLAY} (and fail), and on macOS it puts an icon in the Dock; so headless is set
     * unless somebody chose a value, so an application that does show windows keeps its display.
     * The fonts come from the jar ({@link ReportFonts}), so text can be drawn on a machine with no
     * fonts at all. AWT reads both settings once, so they only matter before its first use.
     */
    static void prepareAwt() {
        if (System.getProperty(HEADLESS) == null) {
            System.setProperty(HEADLESS, "true");
        }
        ReportFonts.install();
    }

    private static Optional<Figure> writeGrid(Path dir, ReportData data) throws IOException {
        Path file = dir.resolve(RECONSTRUCTIONS_PNG);
        if (!data.hasImages()) {
            Files.deleteIfExists(file);
            return Optional.empty();
        }
        ImageBatch originals = data.originals();
        ImageGrid grid = new ImageGrid(ImageGrid.scaleFor(originals.height(), originals.width()));
        BufferedImage image =
                grid.render(List.of(originals, data.reconstructions()), gridColumns(originals));
        return Optional.of(writePng(image, file));
    }

    static Optional<Figure> writeChart(Path dir, String name, Optional<XYChart> chart)
            throws IOException {
        Path file = dir.resolve(name);
        if (chart.isEmpty()) {
            // A picture left by an earlier report of this directory would otherwise outlive the
            // data it showed, unlinked but easy to mistake for current.
            Files.deleteIfExists(file);
            return Optional.empty();
        }
        return Optional.of(writePng(BitmapEncoder.getBufferedImage(chart.get()), file));
    }

    static Figure writePng(BufferedImage image, Path file) throws IOException {
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer available to write " + file);
        }
        return new Figure(file.getFileName().toString(), image.getWidth(), image.getHeight());
    }
}
