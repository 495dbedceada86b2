package dev.tessera.runtime.cli;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.format.ImageFileException;
import dev.tessera.format.ImageFileReader;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

/**
 * Image files of one model's size, read into and written from uint8 NCHW batches.
 *
 * <p>Reading goes through the library's {@link ImageFileReader}, as the server's PNG/JPEG requests
 * do, so that {@code tessera encode} gives the same tokens in process and through a server: PNG or
 * JPEG only, never resized (a size mismatch is an error), grayscale for one channel (gray samples
 * as they are, colour as luma {@code 0.299 R + 0.587 G + 0.114 B} rounded), RGB for three. The
 * tests check the two against each other.
 *
 * @param channels C of the model, 1 or 3
 * @param height H of the model
 * @param width W of the model
 */
record PngImages(int channels, int height, int width) {

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
        ImageFileReader reader = new ImageFileReader(channels, height, width);
        int size = reader.imageSize();
        byte[] pixels = new byte[files.size() * size];
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            try {
                reader.decode(readBytes(file), pixels, i * size);
            } catch (ImageFileException e) {
                throw failure(file, e);
            }
        }
        return new ImageBatch(files.size(), channels, height, width, pixels);
    }

    private static byte[] readBytes(Path file) throws CommandFailedException {
        if (!Files.isRegularFile(file)) {
            throw new CommandFailedException(
                    file + (Files.exists(file) ? ": not a file" : ": no such file"));
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CommandFailedException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private CommandFailedException failure(Path file, ImageFileException e) {
        return switch (e.reason()) {
            case NOT_AN_IMAGE -> new CommandFailedException(file + ": not a PNG or JPEG image");
            case UNSUPPORTED_FORMAT ->
                    new CommandFailedException(
                            file + ": expected a PNG or JPEG image, got " + e.format());
            case WRONG_SIZE ->
                    new CommandFailedException(
                            String.format(
                                    "%s: expected %dx%d pixels (width x height) as the model"
                                            + " takes, got %dx%d; images are not resized",
                                    file, width, height, e.width(), e.height()));
            case UNREADABLE ->
                    new CommandFailedException(
                            file
                                    + ": cannot be read as a PNG or JPEG image ("
                                    + e.getCause().getMessage()
                                    + ")",
                            e.getCause());
        };
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
