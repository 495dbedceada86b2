package dev.tessera.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A float32 matrix {@code [rows, cols]} in NumPy's {@code .npy} format (version 1.0, little-endian,
 * C order): how {@code codebook.npy} stores the K×L code vectors.
 *
 * @param rows number of rows (K for a codebook), at least 1
 * @param cols number of columns (L for a codebook), at least 1
 * @param values row-major values; length {@code rows * cols}
 */
public record NpyMatrix(int rows, int cols, float[] values) {

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE =
            Pattern.compile("'shape'\\s*:\\s*\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,?\\s*\\)");

    /** Validates the dimensions and the value count. */
    public NpyMatrix {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException(
                    "shape: expected (rows ≥ 1, cols ≥ 1), got (" + rows + ", " + cols + ")");
        }
        Objects.requireNonNull(values, "values");
        if (values.length != (long) rows * cols) {
            throw new IllegalArgumentException(
                    "values: expected "
                            + (long) rows * cols
                            + " floats for shape ("
                            + rows
                            + ", "
                            + cols
                            + "), got "
                            + values.length);
        }
    }

    /** The value at row {@code r}, column {@code c}. */
    public float get(int r, int c) {
        Objects.checkIndex(r, rows);
        Objects.checkIndex(c, cols);
        return values[r * cols + c];
    }

    /** The NPY v1.0 header: magic, version, length and the padded dict ending in a newline. */
    public byte[] header() {
        String dict =
                "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        return NpyPreamble.write(dict);
    }

    /** The whole {@code .npy} file: header then little-endian float32 values. */
    public byte[] toBytes() {
        byte[] header = header();
        ByteBuffer buf =
                ByteBuffer.allocate(header.length + values.length * Float.BYTES)
                        .order(ByteOrder.LITTLE_ENDIAN);
        buf.put(header);
        buf.asFloatBuffer().put(values);
        return buf.array();
    }

    /** Writes the matrix to {@code file} as {@code .npy}. */
    public void write(Path file) throws IOException {
        Files.write(file, toBytes());
    }

    /**
     * Reads a float32 2-D {@code .npy} file (format version 1.0 or 2.0, C order, little-endian).
     */
    public static NpyMatrix read(Path file) throws IOException {
        try {
            return fromBytes(Files.readAllBytes(file));
        } catch (IllegalArgumentException e) {
            throw new IOException(file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses {@code .npy} bytes.
     *
     * @throws IllegalArgumentException if they are not a float32 2-D C-order little-endian array
     */
    public static NpyMatrix fromBytes(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        String dict = NpyPreamble.readHeader(buf);
        int dataStart = buf.position();
        String descr = find(DESCR, dict, "descr").group(1);
        if (!descr.equals("<f4")) {
            throw new IllegalArgumentException(
                    "dtype: expected '<f4' (little-endian float32), got '" + descr + "'");
        }
        if (!find(FORTRAN, dict, "fortran_order").group(1).equals("False")) {
            throw new IllegalArgumentException("fortran_order: expected False");
        }
        Matcher shape = find(SHAPE, dict, "shape (a 2-D shape)");
        int rows = Integer.parseInt(shape.group(1));
        int cols = Integer.parseInt(shape.group(2));
        long expected = (long) rows * cols * Float.BYTES;
        if (bytes.length - dataStart != expected) {
            throw new IllegalArgumentException(
                    "data: expected "
                            + expected
                            + " bytes for shape ("
                            + rows
                            + ", "
                            + cols
                            + "), got "
                            + (bytes.length - dataStart));
        }
        float[] values = new float[rows * cols];
        buf.position(dataStart);
        buf.asFloatBuffer().get(values);
        return new NpyMatrix(rows, cols, values);
    }

    private static Matcher find(Pattern pattern, String dict, String what) {
        Matcher m = pattern.matcher(dict);
        if (!m.find()) {
            throw new IllegalArgumentException("header: expected " + what + ", got " + dict.trim());
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyMatrix m
                && rows == m.rows
                && cols == m.cols
                && Arrays.equals(values, m.values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rows + cols) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "NpyMatrix[" + rows + "x" + cols + "]";
    }
}
