package dev.tessera.runtime.server;

import dev.tessera.api.v1.EncodedImages;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.InvalidInputException;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Turns PNG and JPEG files into a uint8 NCHW batch of a model's exact size: grayscale for one
 * channel (luma {@code 0.299 R + 0.587 G + 0.114 B}, rounded, as Pillow's {@code convert("L")}),
 * RGB for three. Images are never resized: a size mismatch is an error, so that a client sees
 * exactly what the model sees.
 */
final class ImageFileDecoder {

    private static final Set<String> FORMATS = Set.of("png", "jpeg");

    private final int channels;
    private final int height;
    private final int width;

    ImageFileDecoder(int channels, int height, int width) {
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    ImageBatch decode(EncodedImages files, int maxBatch) {
        int n = files.getImagesCount();
        if (n == 0) {
            throw new InvalidInputException(
                    "encoded.images", "encoded.images: expected at least one image, got none");
        }
        if (channels != 1 && channels != 3) {
            throw new InvalidInputException(
                    "encoded",
                    "encoded: expected raw pixels for this model's "
                            + channels
                            + "-channel input; PNG/JPEG input needs 1 or 3 channels");
        }
        BatchLimitException.check("encoded.images", n, maxBatch);
        int size = channels * height * width;
        byte[] pixels = new byte[n * size];
        for (int i = 0; i < n; i++) {
            BufferedImage image = read(i, files.getImages(i).getData().toByteArray());
            copyPixels(image, pixels, i * size);
        }
        return new ImageBatch(n, channels, height, width, pixels);
    }

    private BufferedImage read(int index, byte[] bytes) {
        String field = "encoded.images[" + index + "]";
        try (ImageInputStream in =
                new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw undecodable(field, bytes.length, null);
            }
            ImageReader reader = readers.next();
            try {
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                if (!FORMATS.contains(format)) {
                    throw new InvalidInputException(
                            field,
                            field
                                    + ": expected a PNG or JPEG image, got "
                                    + format.toUpperCase(Locale.ROOT));
                }
                reader.setInput(in, true, true);
                // Read the size from the header first, so an oversized image is refused unread.
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w != width || h != height) {
                    throw new InvalidInputException(
                            field,
                            field
                                    + ": expected "
                                    + width
                                    + "x"
                                    + height
                                    + " pixels (width x height), got "
                                    + w
                                    + "x"
                                    + h);
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (InvalidInputException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw undecodable(field, bytes.length, e);
        }
    }

    private static InvalidInputException undecodable(String field, int length, Exception cause) {
        String why =
                cause == null || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")";
        return new InvalidInputException(
                field,
                field
                        + ": expected a PNG or JPEG image, got "
                        + length
                        + " bytes that do not decode as one"
                        + why);
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
                    // getRGB would pass gray through a linear colour space and brighten it; read
                    // samples.
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
}
