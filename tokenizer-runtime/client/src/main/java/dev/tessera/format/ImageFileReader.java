package dev.tessera.format;

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
 * Reads PNG and JPEG files into uint8 NCHW pixels of one model's exact size: grayscale for one
 * channel (gray samples as they are, colour as luma {@code 0.299 R + 0.587 G + 0.114 B} rounded, as
 * Pillow's {@code convert("L")}), RGB for three. Images are never resized: a size mismatch is an
 * error, so that a caller sees exactly what the model sees.
 *
 * <p>The server (PNG/JPEG requests) and {@code tessera encode} both read files through this class,
 * so a file gives the same pixels, and so the same tokens, in process and through a server.
 * Instances hold no state besides the model's size and may be shared between threads.
 */
public final class ImageFileReader {

    private static final Set<String> FORMATS = Set.of("png", "jpeg");

    private final int channels;
    private final int height;
    private final int width;

    /**
     * A reader for images of {@code channels × height × width}.
     *
     * @throws IllegalArgumentException if {@code channels} is neither 1 nor 3 (the only channel
     *     counts a PNG or JPEG file can give) or a size is not positive
     */
    public ImageFileReader(int channels, int height, int width) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException(
                    "image files give 1 (grayscale) or 3 (RGB) channels, not " + channels);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "image size must be positive, got " + width + "x" + height);
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    /** Bytes of one decoded image, C·H·W. */
    public int imageSize() {
        return channels * height * width;
    }

    /**
     * Decodes one PNG or JPEG file into {@code dst[offset, offset + imageSize())} in CHW order.
     *
     * @throws ImageFileException if the bytes are not a PNG or JPEG image of the model's size; the
     *     size is read from the header first, so an oversized image is refused unread
     */
    public void decode(byte[] file, byte[] dst, int offset) throws ImageFileException {
        copyPixels(read(file), dst, offset);
    }

    private BufferedImage read(byte[] bytes) throws ImageFileException {
        try (ImageInputStream in =
                new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw ImageFileException.notAnImage();
            }
            ImageReader reader = readers.next();
            try {
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                if (!FORMATS.contains(format)) {
                    throw ImageFileException.unsupportedFormat(format);
                }
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w != width || h != height) {
                    throw ImageFileException.wrongSize(width, height, w, h);
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw ImageFileException.unreadable(e);
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
