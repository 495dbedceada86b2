package dev.tessera.train.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import javax.imageio.ImageIO;

/** Writes small data-set files byte by byte, so tests know every pixel. */
public final class DataFixtures {

    private DataFixtures() {}

    /** An IDX file: magic 0x0000 0x08 rank, big-endian sizes, then {@code data}. */
    static Path writeIdx(Path file, boolean gzip, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(new byte[] {0, 0, 0x08, (byte) dims.length});
        ByteBuffer sizes = ByteBuffer.allocate(4 * dims.length).order(ByteOrder.BIG_ENDIAN);
        for (int d : dims) {
            sizes.putInt(d);
        }
        bytes.write(sizes.array());
        bytes.write(data);
        return write(file, gzip, bytes.toByteArray());
    }

    static Path write(Path file, boolean gzip, byte[] content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out =
                gzip
                        ? new GZIPOutputStream(Files.newOutputStream(file))
                        : Files.newOutputStream(file)) {
            out.write(content);
        }
        return file;
    }

    /** A version-1 .npy file with the given dtype descriptor, shape and raw element bytes. */
    static Path writeNpy(Path file, String descr, int[] shape, byte[] data) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (int d : shape) {
            dims.append(d).append(", ");
        }
        String shapeText =
                shape.length == 1 ? dims.toString().trim() : dims.substring(0, dims.length() - 2);
        String dict =
                "{'descr': '"
                        + descr
                        + "', 'fortran_order': False, 'shape': ("
                        + shapeText
                        + "), }";
        // NumPy pads the header with spaces and a newline so that the data start 64-byte aligned.
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        bytes.write(header.length() & 0xff);
        bytes.write(header.length() >> 8);
        bytes.write(header.getBytes(StandardCharsets.US_ASCII));
        bytes.write(data);
        return write(file, false, bytes.toByteArray());
    }

    static byte[] littleEndianFloats(float... values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buffer.putFloat(v);
        }
        return buffer.array();
    }

    /** A grayscale image whose pixel (x, y) is {@code value(y * width + x)}. */
    public static Path writeGray(Path file, int width, int height, int[] values, String format)
            throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setPixels(0, 0, width, height, values);
        return save(image, file, format);
    }

    /** An RGB image whose pixel (x, y) is {@code rgb[y * width + x]} (0xRRGGBB). */
    static Path writeRgb(Path file, int width, int height, int[] rgb, String format)
            throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, width, height, rgb, 0, width);
        return save(image, file, format);
    }

    /** A gray image of one value, written as PNG. */
    static Path writeUniformGray(Path file, int size, int value) throws IOException {
        int[] values = new int[size * size];
        java.util.Arrays.fill(values, value);
        return writeGray(file, size, size, values, "png");
    }

    private static Path save(BufferedImage image, Path file, String format) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (!ImageIO.write(image, format, file.toFile())) {
            throw new IOException("no ImageIO writer for " + format);
        }
        return file;
    }

    static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
