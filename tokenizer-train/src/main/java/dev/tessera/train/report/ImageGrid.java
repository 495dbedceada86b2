package dev.tessera.train.report;

import dev.tessera.format.ImageCodec;
import dev.tessera.runtime.ImageBatch;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

/**
 * Lays out rows of images (for example originals above their reconstructions) in one PNG, each
 * image enlarged by an integer factor with nearest-neighbour sampling so that single pixels stay
 * visible.
 */
public final class ImageGrid {

    private static final int GAP = 2;

    /** Longest image side, in screen pixels, that {@link #scaleFor} enlarges small images to. */
    private static final int TARGET_SIDE = 128;

    /** Beyond this factor a tiny image turns into big flat squares that show nothing more. */
    private static final int MAX_SCALE = 8;

    private final int scale;

    public ImageGrid(int scale) {
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be at least 1, got " + scale);
        }
        this.scale = scale;
    }

    /**
     * The integer factor, 1 to 8, that brings the longer side of a {@code height × width} image
     * closest to 128 pixels without passing it: 28×28 and 32×32 images are shown ×4, 64×64 ×2,
     * 128×128 and larger ×1. Small training images are unreadable at their own size in a browser.
     */
    public static int scaleFor(int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "image size must be positive, got " + height + "×" + width);
        }
        return Math.max(1, Math.min(MAX_SCALE, TARGET_SIDE / Math.max(height, width)));
    }

    /** The factor each image is enlarged by. */
    public int scale() {
        return scale;
    }

    /**
     * One row per batch, the first {@code columns} images of each; all batches must share their
     * shape, with 1 (grey) or 3 (RGB) channels; a fourth channel (alpha) is ignored.
     */
    public BufferedImage render(List<ImageBatch> rows, int columns) {
        if (rows.isEmpty() || columns < 1) {
            throw new IllegalArgumentException(
                    "need at least one row and one column, got "
                            + rows.size()
                            + " rows and "
                            + columns
                            + " columns");
        }
        ImageBatch first = rows.get(0);
        if (first.channels() == 2 || first.channels() > 4) {
            throw new IllegalArgumentException(
                    "can show images with 1, 3 or 4 channels, got " + first.channels());
        }
        for (ImageBatch row : rows) {
            if (row.channels() != first.channels()
                    || row.height() != first.height()
                    || row.width() != first.width()) {
                throw new IllegalArgumentException("every row must hold images of one shape");
            }
            if (row.count() < columns) {
                throw new IllegalArgumentException(
                        "a row has " + row.count() + " images, fewer than " + columns);
            }
        }
        int cellW = first.width() * scale + GAP;
        int cellH = first.height() * scale + GAP;
        BufferedImage canvas =
                new BufferedImage(
                        columns * cellW + GAP,
                        rows.size() * cellH + GAP,
                        BufferedImage.TYPE_INT_RGB);
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < columns; c++) {
                draw(canvas, rows.get(r), c, GAP + c * cellW, GAP + r * cellH);
            }
        }
        return canvas;
    }

    /** Renders and writes a PNG, creating parent directories. */
    public void write(Path file, List<ImageBatch> rows, int columns) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(render(rows, columns), "png", file.toFile())) {
            throw new IOException("no PNG writer available to write " + file);
        }
    }

    private void draw(BufferedImage canvas, ImageBatch batch, int index, int left, int top) {
        for (int y = 0; y < batch.height() * scale; y++) {
            for (int x = 0; x < batch.width() * scale; x++) {
                canvas.setRGB(
                        left + x, top + y, ImageCodec.rgb(batch, index, y / scale, x / scale));
            }
        }
    }
}
