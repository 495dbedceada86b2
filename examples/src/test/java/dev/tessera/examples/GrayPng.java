package dev.tessera.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.tessera.format.ImageCodec;
import dev.tessera.runtime.ImageBatch;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;

import javax.imageio.ImageIO;

/** One-channel images as 8-bit grayscale PNG files, for the client tests. */
final class GrayPng {

    private GrayPng() {}

    /** Writes image {@code n} of a one-channel batch to {@code file}. */
    static Path write(Path file, ImageBatch images, int n) throws IOException {
        ImageCodec.writePng(file, images, n);
        return file;
    }

    /** The pixels of a grayscale PNG, row-major; fails the test for a file of other channels. */
    static byte[] read(Path file) throws IOException {
        BufferedImage png = ImageIO.read(file.toFile());
        assertNotNull(png, file + " is not an image ImageIO reads");
        Raster raster = png.getRaster();
        assertEquals(1, raster.getNumBands(), file + ": a one-channel model's PNG is grayscale");
        byte[] pixels = new byte[png.getWidth() * png.getHeight()];
        for (int y = 0; y < png.getHeight(); y++) {
            for (int x = 0; x < png.getWidth(); x++) {
                pixels[y * png.getWidth() + x] = (byte) raster.getSample(x, y, 0);
            }
        }
        return pixels;
    }
}
