package dev.tessera.train.data;

import dev.tessera.format.NpyFormatException;
import dev.tessera.format.NpyHeader;
import dev.tessera.runtime.ImageBatch;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads an image array from a {@code .npy} file: uint8, or float32 in [0, 1] (scaled to 0..255,
 * rounded, clamped); shaped [N,H,W] (grayscale), [N,C,H,W] or [N,H,W,C] with C = 1 or 3. The layout
 * is told apart by which axis has size 1 or 3, axis 1 first.
 */
final class NpyImages {

    private static final int CHUNK_ELEMENTS = 1 << 14;

    private NpyImages() {}

    /** The array in {@code file} as an NCHW batch. */
    static ImageBatch read(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            NpyHeader header = header(in, file);
            Layout layout = Layout.of(header.shape(), file);
            byte[] values = new byte[layout.elements(file)];
            if (header.kind() == 'f') {
                readFloats(in, header, values, file);
            } else {
                readBytes(in, values, file);
            }
            byte[] pixels = layout.channelsLast ? toChannelsFirst(values, layout) : values;
            return new ImageBatch(layout.n, layout.c, layout.h, layout.w, pixels);
        } catch (IOException e) {
            throw new DataException(
                    "cannot read "
                            + file
                            + ": "
                            + e.getClass().getSimpleName()
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** The header, of a uint8 or float32 array; every refusal names the file. */
    private static NpyHeader header(InputStream in, Path file) throws IOException {
        NpyHeader header;
        try {
            header = NpyHeader.read(in);
        } catch (NpyFormatException e) {
            throw new DataException(
                    file + (e.notNpy() ? " is not a NumPy .npy file: " : ": ") + e.getMessage());
        }
        return switch (header.descr()) {
            case "|u1", "<u1", ">u1", "=u1", "<f4", ">f4", "=f4" -> header;
            default ->
                    throw new DataException(
                            file
                                    + " holds elements of dtype '"
                                    + header.descr()
                                    + "'; only uint8 ('|u1') and float32 ('<f4') arrays are"
                                    + " supported (convert with a.astype(np.uint8) or"
                                    + " a.astype(np.float32))");
        };
    }

    private static void readBytes(InputStream in, byte[] into, Path file) throws IOException {
        int read = in.readNBytes(into, 0, into.length);
        if (read < into.length) {
            throw truncated(file, into.length, read);
        }
    }

    private static void readFloats(InputStream in, NpyHeader header, byte[] into, Path file)
            throws IOException {
        byte[] chunk = new byte[CHUNK_ELEMENTS * 4];
        long expectedBytes = 4L * into.length;
        for (int start = 0; start < into.length; start += CHUNK_ELEMENTS) {
            int count = Math.min(CHUNK_ELEMENTS, into.length - start);
            int read = in.readNBytes(chunk, 0, count * 4);
            if (read < count * 4) {
                throw truncated(file, expectedBytes, 4L * start + read);
            }
            FloatBuffer floats =
                    ByteBuffer.wrap(chunk, 0, count * 4).order(header.order()).asFloatBuffer();
            for (int i = 0; i < count; i++) {
                float v = floats.get(i);
                if (Float.isNaN(v)) {
                    throw new DataException(
                            file
                                    + " holds NaN at element "
                                    + (start + i)
                                    + "; images must be"
                                    + " float32 values in [0, 1]");
                }
                into[start + i] = (byte) Math.max(0, Math.min(255, Math.round(v * 255.0)));
            }
        }
    }

    private static DataException truncated(Path file, long expected, long found) {
        return new DataException(
                file
                        + " is truncated: its header promises "
                        + expected
                        + " bytes of data but only "
                        + found
                        + " follow");
    }

    private static byte[] toChannelsFirst(byte[] nhwc, Layout l) {
        byte[] nchw = new byte[nhwc.length];
        int plane = l.h * l.w;
        for (int n = 0; n < l.n; n++) {
            int base = n * l.c * plane;
            for (int p = 0; p < plane; p++) {
                for (int c = 0; c < l.c; c++) {
                    nchw[base + c * plane + p] = nhwc[base + p * l.c + c];
                }
            }
        }
        return nchw;
    }

    /** The array's images: count, channels, size, and whether channels come last. */
    private record Layout(int n, int c, int h, int w, boolean channelsLast) {

        static Layout of(long[] shape, Path file) {
            for (long d : shape) {
                if (d < 1 || d > Integer.MAX_VALUE) {
                    throw badShape(shape, file, "every dimension must be at least 1");
                }
            }
            if (shape.length == 3) {
                return new Layout((int) shape[0], 1, (int) shape[1], (int) shape[2], false);
            }
            if (shape.length != 4) {
                throw badShape(shape, file, "images need 3 or 4 dimensions");
            }
            int[] s = Arrays.stream(shape).mapToInt(d -> (int) d).toArray();
            if (s[1] == 1 || s[1] == 3) {
                return new Layout(s[0], s[1], s[2], s[3], false);
            }
            if (s[3] == 1 || s[3] == 3) {
                return new Layout(s[0], s[3], s[1], s[2], true);
            }
            throw badShape(
                    shape, file, "neither axis 1 (NCHW) nor axis 3 (NHWC) has 1 or 3 channels");
        }

        int elements(Path file) {
            long total = (long) n * c * h * w;
            if (total > Integer.MAX_VALUE - 8) {
                throw new DataException(
                        file
                                + " holds "
                                + total
                                + " pixels, more than one array can hold; use a smaller array or an"
                                + " image folder, which streams from disk");
            }
            return (int) total;
        }

        private static DataException badShape(long[] shape, Path file, String why) {
            return new DataException(
                    file
                            + " has shape "
                            + Arrays.toString(shape)
                            + "; "
                            + why
                            + " ([N,H,W], [N,C,H,W] or [N,H,W,C] with C = 1 or 3)");
        }
    }
}
