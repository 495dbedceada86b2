package dev.tessera.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.runtime.artifact.NpyPreamble;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A C-order {@code .npy} array as the tests exchange them with Python programs: its dtype string
 * ({@code '<i8'}, {@code '|u1'}, ...), shape and raw little-endian data.
 */
record NpyArray(String descr, long[] shape, byte[] data) {

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** An int64 array of {@code values}. */
    static NpyArray ofInt64(long[] shape, int[] values) {
        ByteBuffer data =
                ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        Arrays.stream(values).forEach(data::putLong);
        return new NpyArray("<i8", shape, data.array());
    }

    static NpyArray read(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        String dict = NpyPreamble.readHeader(buf);
        assertTrue(dict.contains("'fortran_order': False"), file + ": " + dict);
        long[] shape =
                Arrays.stream(find(SHAPE, dict, file).split(","))
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .mapToLong(Long::parseLong)
                        .toArray();
        byte[] data = new byte[buf.remaining()];
        buf.get(data);
        return new NpyArray(find(DESCR, dict, file), shape, data);
    }

    void write(Path file) throws IOException {
        String dims =
                Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
        String dict =
                "{'descr': '"
                        + descr
                        + "', 'fortran_order': False, 'shape': ("
                        + dims
                        + (shape.length == 1 ? ",), }" : "), }");
        byte[] header = NpyPreamble.write(dict);
        byte[] bytes = Arrays.copyOf(header, header.length + data.length);
        System.arraycopy(data, 0, bytes, header.length, data.length);
        Files.write(file, bytes);
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

    private static String find(Pattern pattern, String dict, Path file) {
        Matcher m = pattern.matcher(dict);
        assertTrue(m.find(), file + ": no " + pattern + " in " + dict);
        return m.group(1);
    }
}
