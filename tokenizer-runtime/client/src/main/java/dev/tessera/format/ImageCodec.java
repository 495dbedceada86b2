package dev.tessera.format;

import dev.tessera.runtime.ImageBatch;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Image files ↔ uint8 NCHW {@link ImageBatch}es, the one place that decodes and encodes pixels:
 *
 * <ul>
 *   <li>{@link #readForModel}: PNG or JPEG files of one model's exact size, as the server's
 *       PNG/JPEG requests and {@code tessera encode} read them, so a file gives the same pixels
 *       and tokens in process and through a server. Never resized: a size mismatch is an error.
 *       Grayscale for one channel (gray samples as they are, colour as luma {@code 0.299 R + 0.587
 *       G + 0.114 B} rounded, as Pillow's {@code convert("L")}), RGB for three.
 *   <li>{@link #read(Path)}: a PNG, JPEG, BMP or GIF file at its own size, one channel when it is
 *       grayscale, else three, as training folders are read.
 *   <li>{@link #toBufferedImage}, {@link #rgb} and {@link #writePng}: the way back, for decoded
 *       images and reports.
 * </ul>
 *
 * <p>Gray samples are read from the raster, never through {@code getRGB}, which would pass them
 * through a linear colour space and brighten them. Stateless; safe to use from any thread.
 */
public final class ImageCodec {

    private static final Set<String> MODEL_FORMATS = Set.of("png", "jpeg");
    private static final String MODEL_FORMAT_NAMES = "PNG or JPEG";
    private static final String ANY_FORMAT_NAMES = "PNG, JPEG, BMP or GIF";
    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    private ImageCodec() {}

    /**
     * Whether {@code file}'s name has an extension {@link #read(Path)} reads and is not hidden.
     */
    public static boolean isImageFileName(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return !name.startsWith(".") && dot > 0 && EXTENSIONS.contains(name.substring(dot + 1));
    }

    /**
     * Decodes PNG or JPEG files, in order, into one batch of {@code channels × height × width}.
     *
     * @throws IllegalArgumentException if {@code channels} is neither 1 nor 3 (the only channel
     *     counts an image file gives) or a size is not positive
     * @throws ImageFileException for the first file that is not a PNG or JPEG image of that size
     *     ({@link ImageFileException#index()} says which); the size is read from the header first,
     *     so an oversized image is refused unread
     */
    public static ImageBatch readForModel(
            List<byte[]> files, int channels, int height, int width) throws ImageFileException {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "image size must be positive, got " + width + "x" + height);
        }
        return readForModel(files, channels, ImageSizeRule.exactly(height, width), Long.MAX_VALUE);
    }

    /**
     * Decodes PNG or JPEG files, in order, into one batch of {@code channels} channels: every file
     * of a size {@code sizes} takes, and all of the first file's size.
     *
     * @param maxPixels most pixels (per channel) the whole batch may hold
     * @throws IllegalArgumentException if {@code channels} is neither 1 nor 3 (the only channel
     *     counts an image file gives)
     * @throws ImageFileException for the first file that is not a PNG or JPEG image of such a
     *     size, or that takes the batch over {@code maxPixels} ({@link ImageFileException#index()}
     *     says which); sizes are read from the header first, so an oversized image is refused
     *     unread
     */
    public static ImageBatch readForModel(
            List<byte[]> files, int channels, ImageSizeRule sizes, long maxPixels)
            throws ImageFileException {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException(
                    "image files give 1 (grayscale) or 3 (RGB) channels, not " + channels);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("expected at least one image file");
        }
        int[] first = new int[2];
        byte[] pixels = null;
        for (int i = 0; i < files.size(); i++) {
            int index = i;
            BufferedImage image =
                    decode(
                            files.get(i),
                            i,
                            (w, h) -> checkSize(index, w, h, sizes, first, maxPixels));
            if (i == 0) {
                first[0] = image.getWidth();
                first[1] = image.getHeight();
                pixels = new byte[Math.multiplyExact(files.size(), channels * first[0] * first[1])];
            }
            copyChannels(toBatch(image), channels, pixels, i * channels * first[0] * first[1]);
        }
        return new ImageBatch(files.size(), channels, first[1], first[0], pixels);
    }

    /**
     * Refuses file {@code index} of {@code w × h} unless the rule takes it, it has the size of the
     * batch's first file, and the batch stays within {@code maxPixels}.
     */
    private static void checkSize(
            int index, int w, int h, ImageSizeRule sizes, int[] first, long maxPixels)
            throws ImageFileException {
        if (!sizes.accepts(h, w)) {
            throw ImageFileException.wrongSize(index, sizes.expected(), w, h);
        }
        if (index > 0 && (w != first[0] || h != first[1])) {
            throw ImageFileException.wrongSize(
                    index,
                    first[0]
                            + "x"
                            + first[1]
                            + " pixels (width x height), the size of the batch's first image",
                    w,
                    h);
        }
        if ((index + 1L) * w * h > maxPixels) {
            throw ImageFileException.tooLarge(index, w, h, index + 1, maxPixels);
        }
    }

    /** Checks an image's size from its header, before its pixels are decoded. */
    @FunctionalInterface
    private interface SizeCheck {
        void check(int width, int height) throws ImageFileException;
    }

    /**
     * Reads a PNG, JPEG, BMP or GIF file at its own size: one channel when it is grayscale, else
     * three (RGB, alpha dropped).
     *
     * @throws ImageFileException if it cannot be read or is not such an image
     */
    public static ImageBatch read(Path file) throws ImageFileException {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            // Decoders report truncated or corrupt data with assorted runtime exceptions too.
            throw ImageFileException.unreadable(0, ANY_FORMAT_NAMES, withCause(e));
        }
        if (image == null) {
            throw ImageFileException.notAnImage(0, ANY_FORMAT_NAMES);
        }
        return toBatch(image);
    }

    /** Reads the header for the size, then the pixels, of one PNG or JPEG file. */
    private static BufferedImage decode(byte[] bytes, int index, SizeCheck sizeCheck)
            throws ImageFileException {
        try (ImageInputStream in =
                new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw ImageFileException.notAnImage(index, MODEL_FORMAT_NAMES);
            }
            ImageReader reader = readers.next();
            try {
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                if (!MODEL_FORMATS.contains(format)) {
                    throw ImageFileException.unsupportedFormat(index, format, MODEL_FORMAT_NAMES);
                }
                reader.setInput(in, true, true);
                sizeCheck.check(reader.getWidth(0), reader.getHeight(0));
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw ImageFileException.unreadable(index, MODEL_FORMAT_NAMES, e);
        }
    }

    /** The image as it is: one gray channel, or three RGB channels. */
    private static ImageBatch toBatch(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int plane = w * h;
        boolean gray = image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        byte[] pixels = new byte[(gray ? 1 : 3) * plane];
        int[] row = new int[w];
        if (gray) {
            Raster raster = image.getRaster();
            int maxSample = (1 << image.getColorModel().getComponentSize(0)) - 1;
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int s = row[x];
                    pixels[y * w + x] =
                            (byte) (maxSample == 255 ? s : Math.round(s * 255.0 / maxSample));
                }
            }
            return new ImageBatch(1, 1, h, w, pixels);
        }
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

    /**
     * Copies one image into {@code channels} planes at {@code offset}: gray to every channel, RGB
     * to RGB, RGB to one channel as rounded luma.
     */
    private static void copyChannels(ImageBatch image, int channels, byte[] dst, int offset) {
        int plane = image.height() * image.width();
        byte[] src = image.pixels();
        if (image.channels() == channels) {
            System.arraycopy(src, 0, dst, offset, src.length);
        } else if (image.channels() == 1) {
            for (int c = 0; c < channels; c++) {
                System.arraycopy(src, 0, dst, offset + c * plane, plane);
            }
        } else {
            for (int p = 0; p < plane; p++) {
                int r = src[p] & 0xff;
                int g = src[plane + p] & 0xff;
                int b = src[2 * plane + p] & 0xff;
                dst[offset + p] = (byte) ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
            }
        }
    }

    /**
     * The pixel of image {@code n} at row {@code y}, column {@code x} as packed {@code 0xRRGGBB}:
     * gray repeated in all three, the first three channels otherwise (a fourth, alpha, is left
     * out).
     */
    public static int rgb(ImageBatch images, int n, int y, int x) {
        if (images.channels() < 3) {
            int v = images.pixel(n, 0, y, x);
            return (v << 16) | (v << 8) | v;
        }
        return (images.pixel(n, 0, y, x) << 16)
                | (images.pixel(n, 1, y, x) << 8)
                | images.pixel(n, 2, y, x);
    }

    /**
     * Image {@code index} of {@code images} as an 8-bit grayscale (one channel) or RGB (three
     * channels) image.
     *
     * @throws IllegalArgumentException for any other number of channels
     */
    public static BufferedImage toBufferedImage(ImageBatch images, int index) {
        int h = images.height();
        int w = images.width();
        if (images.channels() == 1) {
            BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            WritableRaster raster = image.getRaster();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    raster.setSample(x, y, 0, images.pixel(index, 0, y, x));
                }
            }
            return image;
        }
        if (images.channels() == 3) {
            BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    image.setRGB(x, y, rgb(images, index, y, x));
                }
            }
            return image;
        }
        throw new IllegalArgumentException(
                "cannot make an image of "
                        + images.channels()
                        + " channels; expected 1 (grayscale) or 3 (RGB)");
    }

    /**
     * Writes image {@code index} of {@code images} as an 8-bit grayscale or RGB PNG.
     *
     * @throws IOException if the file cannot be written or the images have neither 1 nor 3
     *     channels
     */
    public static void writePng(Path file, ImageBatch images, int index) throws IOException {
        if (images.channels() != 1 && images.channels() != 3) {
            throw new IOException(
                    file
                            + ": cannot write "
                            + images.channels()
                            + "-channel images as PNG; expected 1 or 3 channels");
        }
        if (!ImageIO.write(toBufferedImage(images, index), "png", file.toFile())) {
            throw new IOException(file + ": no PNG writer in this JVM");
        }
    }

    /** A decoder's exception whose message also says what its cause says, if anything. */
    private static Exception withCause(Exception e) {
        Throwable cause = e.getCause();
        if (cause == null || cause.getMessage() == null) {
            return e;
        }
        String message = e.getMessage() == null ? "" : e.getMessage() + ": ";
        return new IOException(message + cause.getMessage(), e);
    }
}
