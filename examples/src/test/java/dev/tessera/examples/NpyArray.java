package dev.tessera.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.format.NpyHeader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A C-order {@code .npy} array as the tests exchange them with Python programs: its dtype string
 * ({@code '<i8'}, {@code '|u1'}, ...), shape and raw little-endian data.
 */
record NpyArray(String descr, long[] shape, byte[] data) {

    /** An int64 array of {@code values}. */
    static NpyArray ofInt64(long[] shape, int[] values) {
        ByteBuffer data =
                ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        Arrays.stream(values).forEach(data::putLong);
        return new NpyArray("<i8", shape, data.array());
    }

    static NpyArray read(Path file) throws IOException {
        dev.tessera.format.NpyArray array = dev.tessera.format.NpyArray.read(file);
        return new NpyArray(array.header().descr(), array.header().shape(), array.data());
    }

    void write(Path file) throws IOException {
        new dev.tessera.format.NpyArray(NpyHeader.of(descr, shape), data).write(file);
    }

    /** The elements of an int64 ({@code '<i8'}) array, which must fit an int. */
    int[] int64s() {
        return ints("<i8", Long.BYTES);
    }

    /** The elements of an int32 ({@code '<i4'}) array. */
    int[] int32s() {
        return ints("<i4", Integer.BYTES);
    }

    private int[] ints(String expected, int width) {
        assertTrue(descr.equals(expected), "dtype " + descr + ", expected " + expected);
        ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int[] values = new int[data.length / width];
        for (int i = 0; i < values.length; i++) {
            values[i] = width == Long.BYTES ? Math.toIntExact(buf.getLong()) : buf.getInt();
        }
        return values;
    }
}
