package dev.tessera.runtime.cli;

import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.format.NpyPreamble;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Token grids in NumPy's {@code .npy} format: written as int32 little-endian {@code (N, h, w)},
 * format version 1.0 with the header padded to 64 bytes; read from any little-endian integer dtype
 * whose values fit an int32, 2-D {@code (h, w)} arrays as one grid.
 */
final class NpyTokens {

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([iu])(\\d)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyTokens() {}

    static byte[] toBytes(TokenBatch tokens) {
        String dict =
                "{'descr': '<i4', 'fortran_order': False, 'shape': ("
                        + tokens.count()
                        + ", "
                        + tokens.height()
                        + ", "
                        + tokens.width()
                        + "), }";
        byte[] header = NpyPreamble.write(dict);
        ByteBuffer buf =
                ByteBuffer.allocate(header.length + tokens.ids().length * Integer.BYTES)
                        .order(ByteOrder.LITTLE_ENDIAN);
        buf.put(header);
        buf.asIntBuffer().put(tokens.ids());
        return buf.array();
    }

    /**
     * @throws IllegalArgumentException saying what is wrong with the bytes
     */
    static TokenBatch fromBytes(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        String dict = NpyPreamble.readHeader(buf);
        Dtype dtype = Dtype.of(dict);
        Matcher fortran = FORTRAN.matcher(dict);
        if (fortran.find() && fortran.group(1).equals("True")) {
            throw new IllegalArgumentException(
                    "fortran_order: expected False (C order); save with np.ascontiguousarray");
        }
        int[] shape = shape(dict);
        long count = (long) shape[0] * shape[1] * shape[2];
        if (buf.remaining() != count * dtype.width()) {
            throw new IllegalArgumentException(
                    "data: expected "
                            + count * dtype.width()
                            + " bytes for shape "
                            + Arrays.toString(shape)
                            + ", got "
                            + buf.remaining());
        }
        int[] ids = new int[(int) count];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = toInt(i, dtype.read(buf));
        }
        try {
            return new TokenBatch(shape[0], shape[1], shape[2], ids);
        } catch (InvalidInputException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** An integer element type: signed or not, 1, 2, 4 or 8 bytes, little-endian. */
    private record Dtype(boolean signed, int width) {

        static Dtype of(String dict) {
            Matcher descr = DESCR.matcher(dict);
            if (!descr.find() || descr.group(1).equals(">") && !descr.group(3).equals("1")) {
                throw new IllegalArgumentException(
                        "dtype: expected little-endian integers such as '<i4' (int32), header "
                                + dict.trim());
            }
            int width = Integer.parseInt(descr.group(3));
            if (width != 1 && width != 2 && width != 4 && width != 8) {
                throw new IllegalArgumentException(
                        "dtype: expected 1, 2, 4 or 8-byte integers, got " + width + "-byte");
            }
            return new Dtype(descr.group(2).equals("i"), width);
        }

        long read(ByteBuffer buf) {
            return switch (width) {
                case 1 -> signed ? buf.get() : Byte.toUnsignedLong(buf.get());
                case 2 -> signed ? buf.getShort() : Short.toUnsignedLong(buf.getShort());
                case 4 -> signed ? buf.getInt() : Integer.toUnsignedLong(buf.getInt());
                default -> {
                    long v = buf.getLong();
                    // An unsigned 64-bit value above Long.MAX_VALUE reads negative: keep it out
                    // of range rather than let it wrap to a small id.
                    yield signed || v >= 0 ? v : Long.MAX_VALUE;
                }
            };
        }
    }

    /** (N, h, w), or (1, h, w) for a 2-D array. */
    private static int[] shape(String dict) {
        Matcher m = SHAPE.matcher(dict);
        if (!m.find()) {
            throw new IllegalArgumentException("header: expected a shape, got " + dict.trim());
        }
        String[] parts = m.group(1).split(",");
        int[] dims =
                Arrays.stream(parts)
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .mapToInt(NpyTokens::dimension)
                        .toArray();
        if (dims.length == 2) {
            dims = new int[] {1, dims[0], dims[1]};
        }
        if (dims.length != 3 || dims[0] < 1 || dims[1] < 1 || dims[2] < 1) {
            throw new IllegalArgumentException(
                    "shape: expected (N, h, w) or (h, w) with every dimension ≥ 1, got ("
                            + m.group(1).trim()
                            + ")");
        }
        if ((long) dims[0] * dims[1] * dims[2] > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "shape: (" + m.group(1).trim() + ") holds more ids than fit one array");
        }
        return dims;
    }

    private static int dimension(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "shape: expected whole numbers, got \"" + text + "\"", e);
        }
    }

    private static int toInt(int index, long value) {
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "ids[" + index + "]: " + value + " does not fit an int32 token id");
        }
        return (int) value;
    }
}
