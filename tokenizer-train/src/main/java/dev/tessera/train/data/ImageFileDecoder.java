package dev.tessera.train.data;

import dev.tessera.runtime.ImageBatch;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

import javax.imageio.ImageIO;

/** Decodes one image file (PNG, JPEG, BMP, GIF) into a planar uint8 image of its own shape. */
final class ImageFileDecoder {

    private ImageFileDecoder() {}

    /** Whether {@code file}'s name has an extension this decoder reads. */
    static boolean isImageFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return !name.startsWith(".")
                && (name.endsWith(".png")
                        || name.endsWith(".jpg")
                        || name.endsWith(".jpeg")
                        || name.endsWith(".bmp")
                        || name.endsWith(".gif"));
    }

    /**
     * The image in {@code file} as a batch of one: 1 channel when it is grayscale, else 3 (RGB,
     * alpha dropped).
     *
     * @throws DataException naming the file when it cannot be read or decoded
     */
    static ImageBatch decode(Path file) {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            // Decoders report truncated or corrupt data with assorted runtime exceptions too.
            throw new DataException(
                    "cannot read image " + file + ": " + reason(e) + " (is the file corrupt?)", e);
        }
        if (image == null) {
            throw new DataException(
                    "cannot read image "
                            + file
                            + ": its content is not a PNG, JPEG, BMP or GIF image");
        }
        boolean gray = image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        return gray ? grayPlane(image) : rgbPlanes(image);
    }

    /**
     * Reads the raster rather than getRGB(), which would pass gray values through a linear→sRGB
     * conversion and change them.
     */
    private static ImageBatch grayPlane(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        Raster raster = image.getRaster();
        int bits = image.getColorModel().getComponentSize(0);
        double scale = 255.0 / ((1L << bits) - 1);
        byte[] pixels = new byte[w * h];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                pixels[y * w + x] = (byte) (bits == 8 ? row[x] : Math.round(row[x] * scale));
            }
        }
        return new ImageBatch(1, 1, h, w, pixels);
    }

    private static ImageBatch rgbPlanes(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int plane = w * h;
        byte[] pixels = new byte[3 * plane];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                pixels[p] = (byte) (row[x] >> 16);
                pixels[plane + p] = (byte) (row[x] >> 8);
                pixels[2 * plane + p] = (byte) row[x];
            }
        }
        return new ImageBatch(1, 3, h, w, pixels);
    }

    private static String reason(Exception e) {
        String message = e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null) {
            message = message == null ? cause.getMessage() : message + ": " + cause.getMessage();
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
