package dev.tessera.format;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * A float32 matrix {@code [rows, cols]}, row-major: how a codebook holds its K×L code vectors. On
 * disk it is a little-endian float32 {@code .npy} array ({@link NpyArray}), as {@code codebook.npy}.
 *
 * @param rows number of rows (K for a codebook), at least 1
 * @param cols number of columns (L for a codebook), at least 1
 * @param values row-major values; length {@code rows * cols}
 */
public record FloatMatrix(int rows, int cols, float[] values) {

    /** Validates the dimensions and the value count. */
    public FloatMatrix {
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

    /**
     * The matrix a 2-D float32 array holds.
     *
     * @throws NpyFormatException if the array is not little-endian float32 or not 2-D
     */
    public static FloatMatrix of(NpyArray array) {
        float[] values = array.floats();
        long[] shape = array.header().shape();
        if (shape.length != 2) {
            throw new NpyFormatException(
                    "shape: expected 2 dimensions (rows, cols), got "
                            + array.header().shapeText());
        }
        return new FloatMatrix((int) shape[0], (int) shape[1], values);
    }

    /**
     * Parses the bytes of a float32 2-D {@code .npy} file.
     *
     * @throws NpyFormatException if they hold another type or shape, or too few or many values
     */
    public static FloatMatrix parse(byte[] bytes) {
        return of(NpyArray.parse(bytes, NpyHeader::requireFloat32));
    }

    /**
     * Reads a float32 2-D {@code .npy} file.
     *
     * @throws IOException naming the file if it cannot be read or holds another array
     */
    public static FloatMatrix read(Path file) throws IOException {
        NpyArray array = NpyArray.read(file, NpyHeader::requireFloat32);
        try {
            return of(array);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The matrix as a little-endian float32 {@code .npy} array. */
    public NpyArray toNpy() {
        return NpyArray.float32(values, rows, cols);
    }

    /** Writes the matrix to {@code file} as {@code .npy}. */
    public void write(Path file) throws IOException {
        toNpy().write(file);
    }

    /** The value at row {@code r}, column {@code c}. */
    public float get(int r, int c) {
        Objects.checkIndex(r, rows);
        Objects.checkIndex(c, cols);
        return values[r * cols + c];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatMatrix m
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
        return "FloatMatrix[" + rows + "x" + cols + "]";
    }
}
