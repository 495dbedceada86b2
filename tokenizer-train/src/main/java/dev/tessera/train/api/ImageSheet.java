package dev.tessera.train.api;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.train.report.ImageGrid;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Rows of images in one PNG (for example originals above their reconstructions), each image
 * enlarged by an integer factor with nearest-neighbour sampling so that single pixels stay visible.
 * The training report draws its images the same way.
 *
 * <p>Stable.
 */
public final class ImageSheet {

    private ImageSheet() {}

    /**
     * Writes one row per batch of {@code rows}, the first {@code columns} images of each, every
     * image enlarged {@code scale} times, to the PNG file {@code png}. All batches share one shape
     * with 1 (grey) or 3 (RGB) channels.
     */
    public static void write(Path png, List<ImageBatch> rows, int columns, int scale)
            throws IOException {
        new ImageGrid(scale).write(png, rows, columns);
    }
}
