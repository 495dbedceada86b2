package dev.tessera.runtime.testing;

import com.google.protobuf.ByteString;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.imageio.ImageIO;

/** PNG, JPEG and GIF files made with javax.imageio, for request tests. */
public final class ImageFiles {

    private ImageFiles() {}

    /** A grayscale image file of the given format from row-major 8-bit samples. */
    public static ByteString gray(String format, int width, int height, byte[] samples) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.getRaster().setSample(x, y, 0, Byte.toUnsignedInt(samples[y * width + x]));
            }
        }
        return write(image, format);
    }

    /** An RGB image file of the given format, every pixel {@code (r, g, b)}. */
    public static ByteString rgb(String format, int width, int height, int r, int g, int b) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return write(image, format);
    }

    private static ByteString write(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ByteString.copyFrom(out.toByteArray());
    }
}
