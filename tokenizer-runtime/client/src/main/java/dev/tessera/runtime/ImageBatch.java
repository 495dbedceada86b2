package dev.tessera.runtime;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A batch of uint8 images in NCHW layout: {@code count} images of {@code channels × height × width}
 * pixels, values 0..255 stored as Java bytes (read them with {@code Byte.toUnsignedInt}).
 *
 * <p>The record holds the array it was given; callers that keep mutating that array should pass a
 * copy.
 *
 * @param count number of images N, at least 1
 * @param channels channels C per image, at least 1
 * @param height image height H in pixels, at least 1
 * @param width image width W in pixels, at least 1
 * @param pixels row-major NCHW pixels; length {@code count * channels * height * width}
 */
public record ImageBatch(int count, int channels, int height, int width, byte[] pixels) {

    /** Validates the dimensions and that the pixel array holds exactly N·C·H·W bytes. */
    public ImageBatch {
        requirePositive("pixels.shape[0] (N)", count);
        requirePositive("pixels.shape[1] (C)", channels);
        requirePositive("pixels.shape[2] (H)", height);
        requirePositive("pixels.shape[3] (W)", width);
        if (pixels == null) {
            throw new InvalidInputException(
                    "pixels.data", "pixels.data: expected a byte array, got null");
        }
        long expected = (long) count * channels * height * width;
        if (pixels.length != expected) {
            throw new InvalidInputException(
                    "pixels.data",
                    String.format(
                            "pixels.data: expected %d bytes for shape [%d,%d,%d,%d], got %d",
                            expected, count, channels, height, width, pixels.length));
        }
    }

    /** A batch holding one image, copied from {@code pixels} (C·H·W bytes). */
    public static ImageBatch single(int channels, int height, int width, byte[] pixels) {
        return new ImageBatch(1, channels, height, width, pixels.clone());
    }

    /**
     * Concatenates batches of the same image shape into one batch, in order.
     *
     * @throws IllegalArgumentException if the list is empty or the image shapes differ
     */
    public static ImageBatch concat(List<ImageBatch> batches) {
        if (batches.isEmpty()) {
            throw new IllegalArgumentException("cannot concatenate an empty list of image batches");
        }
        ImageBatch first = batches.get(0);
        int total = 0;
        for (ImageBatch b : batches) {
            if (b.channels != first.channels
                    || b.height != first.height
                    || b.width != first.width) {
                throw new IllegalArgumentException(
                        "image batches differ in shape: "
                                + first.shapeString()
                                + " vs "
                                + b.shapeString());
            }
            total += b.count;
        }
        byte[] all = new byte[total * first.imageSize()];
        int offset = 0;
        for (ImageBatch b : batches) {
            System.arraycopy(b.pixels, 0, all, offset, b.pixels.length);
            offset += b.pixels.length;
        }
        return new ImageBatch(total, first.channels, first.height, first.width, all);
    }

    /** Number of bytes of one image, C·H·W. */
    public int imageSize() {
        return channels * height * width;
    }

    /** The shape as a long array {@code [N, C, H, W]}, as ONNX Runtime wants it. */
    public long[] shape() {
        return new long[] {count, channels, height, width};
    }

    /** The shape written as {@code [N,C,H,W]}, for messages. */
    public String shapeString() {
        return "[" + count + "," + channels + "," + height + "," + width + "]";
    }

    /** Image {@code i} as a batch of one (a copy). */
    public ImageBatch image(int i) {
        return slice(i, i + 1);
    }

    /** Images {@code from} (inclusive) to {@code to} (exclusive) as a new batch (a copy). */
    public ImageBatch slice(int from, int to) {
        Objects.checkFromToIndex(from, to, count);
        int size = imageSize();
        return new ImageBatch(
                to - from,
                channels,
                height,
                width,
                Arrays.copyOfRange(pixels, from * size, to * size));
    }

    /**
     * Unsigned value of the pixel at image {@code n}, channel {@code c}, row {@code y}, column
     * {@code x}.
     */
    public int pixel(int n, int c, int y, int x) {
        return Byte.toUnsignedInt(pixels[((n * channels + c) * height + y) * width + x]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageBatch b
                && count == b.count
                && channels == b.channels
                && height == b.height
                && width == b.width
                && Arrays.equals(pixels, b.pixels);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(count, channels, height, width) + Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "ImageBatch" + shapeString();
    }

    private static void requirePositive(String field, int value) {
        if (value < 1) {
            throw new InvalidInputException(
                    "pixels.shape", "pixels.shape: expected " + field + " ≥ 1, got " + value);
        }
    }
}
