package dev.tessera.runtime.cli;

import dev.tessera.runtime.ImageBatch;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
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
 * Image files of one model's size, read into and written from uint8 NCHW batches.
 *
 * <p>Reading follows the server's rules for PNG/JPEG requests (its {@code ImageFileDecoder}), so
 * that {@code tessera encode} gives the same tokens in process and through a server: PNG or JPEG
 * only, never resized (a size mismatch is an error), grayscale for one channel (gray samples as
 * they are, colour as luma {@code 0.299 R + 0.587 G + 0.114 B} rounded), RGB for three. The tests
 * check the two against each other.
 *
 * @param channels C of the model, 1 or 3
 * @param height H of the model
 * @param width W of the model
 */
record PngImages(int channels, int height, int width) {

    private static final Set<String> FORMATS = Set.of("png", "jpeg");

    /**
     * @throws CommandFailedException if the model's images are neither grayscale nor RGB
     */
    static PngImages forModel(int channels, int height, int width) throws CommandFailedException {
        if (channels != 1 && channels != 3) {
            throw new CommandFailedException(
                    "the model takes "
                            + channels
                            + "-channel images; PNG files can only give 1 (grayscale) or 3 (RGB)");
        }
        return new PngImages(channels, height, width);
    }

    /**
     * Reads every file, in order, into one batch.
     *
     * @throws CommandFailedException naming the first file that is missing, not an image or of the
     *     wrong size
     */
    ImageBatch read(List<Path> files) throws CommandFailedException {
        int size = channels * height * width;
        byte[] pixels = new byte[files.size() * size];
        for (int i = 0; i < files.size(); i++) {
            copyPixels(read(files.get(i)), pixels, i * size);
        }
        return new ImageBatch(files.size(), channels, height, width, pixels);
    }

    private BufferedImage read(Path file) throws CommandFailedException {
        if (!Files.isRegularFile(file)) {
            throw new CommandFailedException(
                    file + (Files.exists(file) ? ": not a file" : ": no such file"));
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CommandFailedException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        try (ImageInputStream in =
                new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new CommandFailedException(file + ": not a PNG or JPEG image");
            }
            ImageReader reader = readers.next();
            try {
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                if (!FORMATS.contains(format)) {
                    throw new CommandFailedException(
                            file
                                    + ": expected a PNG or JPEG image, got "
                                    + format.toUpperCase(Locale.ROOT));
                }
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w != width || h != height) {
                    throw new CommandFailedException(
                            String.format(
                                    "%s: expected %dx%d pixels (width x height) as the model"
                                            + " takes, got %dx%d; images are not resized",
                                    file, width, height, w, h));
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new CommandFailedException(
                    file + ": cannot be read as a PNG or JPEG image (" + e.getMessage() + ")", e);
        }
    }

    private void copyPixels(BufferedImage image, byte[] dst, int offset) {
        int plane = height * width;
        boolean gray = image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        Raster raster = image.getRaster();
        int maxSample = (1 << image.getColorModel().getComponentSize(0)) - 1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int at = offset + y * width + x;
                if (gray) {
                    // getRGB would pass gray through a linear colour space and brighten it.
                    int s = raster.getSample(x, y, 0);
                    int v = maxSample == 255 ? s : (int) Math.round(s * 255.0 / maxSample);
                    for (int c = 0; c < channels; c++) {
                        dst[at + c * plane] = (byte) v;
                    }
                } else {
                    int rgb = image.getRGB(x, y);
                    int r = (rgb >> 16) & 0xff;
                    int g = (rgb >> 8) & 0xff;
                    int b = rgb & 0xff;
                    if (channels == 1) {
                        dst[at] = (byte) ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
                    } else {
                        dst[at] = (byte) r;
                        dst[at + plane] = (byte) g;
                        dst[at + 2 * plane] = (byte) b;
                    }
                }
            }
        }
    }

    /**
     * Writes image {@code index} of {@code images} as an 8-bit grayscale or RGB PNG.
     *
     * @throws IOException if the file cannot be written
     */
    static void write(Path file, ImageBatch images, int index) throws IOException {
        int h = images.height();
        int w = images.width();
        BufferedImage image;
        if (images.channels() == 1) {
            image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            WritableRaster raster = image.getRaster();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    raster.setSample(x, y, 0, images.pixel(index, 0, y, x));
                }
            }
        } else if (images.channels() == 3) {
            image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int rgb =
                            images.pixel(index, 0, y, x) << 16
                                    | images.pixel(index, 1, y, x) << 8
                                    | images.pixel(index, 2, y, x);
                    image.setRGB(x, y, rgb);
                }
            }
        } else {
            throw new IOException(
                    file
                            + ": cannot write "
                            + images.channels()
                            + "-channel images as PNG; expected 1 or 3 channels");
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException(file + ": no PNG writer in this JVM");
        }
    }
}
