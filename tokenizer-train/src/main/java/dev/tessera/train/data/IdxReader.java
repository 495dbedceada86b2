package dev.tessera.train.data;

import dev.tessera.runtime.ImageBatch;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files, the format of MNIST: big-endian magic {@code 0x0000TTDD} (T: element type, D:
 * number of dimensions), D big-endian int32 sizes, then the elements. Only unsigned bytes (type
 * 0x08) are supported. Gzip-compressed files are recognised by their content, not their name.
 */
final class IdxReader {

    private static final int UNSIGNED_BYTE = 0x08;

    private IdxReader() {}

    /** An images file ({@code [N, rows, columns]}) as an {@code [N, 1, rows, columns]} batch. */
    static ImageBatch readImages(Path file) {
        try (DataInputStream in = open(file)) {
            int[] dims = readHeader(in, file, 3, "images (N, rows, columns)");
            long total = (long) dims[0] * dims[1] * dims[2];
            if (total > Integer.MAX_VALUE - 8) {
                throw new DataException(
                        file + " holds " + total + " pixels, more than one array can hold");
            }
            byte[] pixels = new byte[(int) total];
            readFully(in, pixels, file, dims[0] + " images of " + dims[1] + "x" + dims[2]);
            return new ImageBatch(dims[0], 1, dims[1], dims[2], pixels);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /** A labels file ({@code [N]}) as one label (0..255) per image. */
    static int[] readLabels(Path file) {
        try (DataInputStream in = open(file)) {
            int[] dims = readHeader(in, file, 1, "labels (N)");
            byte[] raw = new byte[dims[0]];
            readFully(in, raw, file, dims[0] + " labels");
            int[] labels = new int[raw.length];
            for (int i = 0; i < raw.length; i++) {
                labels[i] = Byte.toUnsignedInt(raw[i]);
            }
            return labels;
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        return new DataInputStream(
                gzip ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in);
    }

    private static int[] readHeader(DataInputStream in, Path file, int rank, String what)
            throws IOException {
        byte[] magic = new byte[4];
        if (in.readNBytes(magic, 0, 4) < 4) {
            throw new DataException(file + " is too short to be an IDX file (under 4 bytes)");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new DataException(
                    String.format(
                            "%s is not an IDX file: its magic number starts with 0x%02x 0x%02x,"
                                    + " expected 0x00 0x00",
                            file, magic[0], magic[1]));
        }
        if (magic[2] != UNSIGNED_BYTE) {
            throw new DataException(
                    String.format(
                            "%s holds IDX elements of type 0x%02x; only unsigned bytes (0x08)"
                                    + " are supported",
                            file, magic[2]));
        }
        if (magic[3] != rank) {
            throw new DataException(
                    String.format(
                            "%s has %d dimensions (magic number 0x%08x) but IDX %s need %d",
                            file, magic[3], (0x800 | magic[3]), what, rank));
        }
        int[] dims = new int[rank];
        for (int d = 0; d < rank; d++) {
            dims[d] = readSize(in, file);
        }
        return dims;
    }

    private static int readSize(DataInputStream in, Path file) throws IOException {
        byte[] raw = new byte[4];
        if (in.readNBytes(raw, 0, 4) < 4) {
            throw new DataException(file + " is truncated: it ends inside its IDX header");
        }
        int size =
                ((raw[0] & 0xff) << 24)
                        | ((raw[1] & 0xff) << 16)
                        | ((raw[2] & 0xff) << 8)
                        | (raw[3] & 0xff);
        if (size < 1) {
            throw new DataException(
                    file + " has a dimension of size " + size + " in its IDX header; need ≥ 1");
        }
        return size;
    }

    private static void readFully(DataInputStream in, byte[] into, Path file, String what)
            throws IOException {
        int read = in.readNBytes(into, 0, into.length);
        if (read < into.length) {
            throw new DataException(
                    file
                            + " is truncated: its header promises "
                            + what
                            + " ("
                            + into.length
                            + " bytes of data) but only "
                            + read
                            + " bytes follow");
        }
    }

    private static DataException unreadable(Path file, IOException e) {
        // A gzip stream cut short surfaces as an EOFException from the inflater.
        String reason =
                e instanceof java.io.EOFException
                        ? "it is truncated (" + e.getMessage() + ")"
                        : e.getClass().getSimpleName() + ": " + e.getMessage();
        return new DataException("cannot read IDX file " + file + ": " + reason, e);
    }
}
