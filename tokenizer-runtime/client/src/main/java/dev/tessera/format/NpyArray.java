package dev.tessera.format;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A whole {@code .npy} array in memory: its {@link NpyHeader} and its data bytes. The one reader
 * and writer of {@code .npy} files for codebooks, token files and any other array held in memory;
 * data sets too large for that read the header with {@link NpyHeader#read} and stream the rest.
 *
 * @param header element type and shape
 * @param data the elements in C order and the header's byte order; exactly {@link
 *     NpyHeader#dataBytes()} bytes
 */
public record NpyArray(NpyHeader header, byte[] data) {

    /**
     * Validates that the data hold exactly what the header promises.
     *
     * @throws NpyFormatException naming both byte counts otherwise
     */
    public NpyArray {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(data, "data");
        if (data.length != header.dataBytes()) {
            throw new NpyFormatException(
                    "data: expected "
                            + header.dataBytes()
                            + " bytes for shape "
                            + header.shapeText()
                            + ", got "
                            + data.length);
        }
    }

    /** A little-endian float32 array of {@code shape} holding {@code values} (copied). */
    public static NpyArray float32(float[] values, long... shape) {
        NpyHeader header = NpyHeader.of("<f4", shape);
        ByteBuffer buf = ByteBuffer.allocate(values.length * Float.BYTES).order(header.order());
        buf.asFloatBuffer().put(values);
        return new NpyArray(header, buf.array());
    }

    /** A little-endian int32 array of {@code shape} holding {@code values} (copied). */
    public static NpyArray int32(int[] values, long... shape) {
        NpyHeader header = NpyHeader.of("<i4", shape);
        ByteBuffer buf = ByteBuffer.allocate(values.length * Integer.BYTES).order(header.order());
        buf.asIntBuffer().put(values);
        return new NpyArray(header, buf.array());
    }

    /** A little-endian int64 array of {@code shape} holding {@code values} (widened from int). */
    public static NpyArray int64(int[] values, long... shape) {
        NpyHeader header = NpyHeader.of("<i8", shape);
        ByteBuffer buf = ByteBuffer.allocate(values.length * Long.BYTES).order(header.order());
        for (int v : values) {
            buf.putLong(v);
        }
        return new NpyArray(header, buf.array());
    }

    /**
     * Parses the bytes of a {@code .npy} file.
     *
     * @throws NpyFormatException if they are not a C-order array or the data length is wrong
     */
    public static NpyArray parse(byte[] bytes) {
        return parse(bytes, header -> {});
    }

    /**
     * Parses the bytes of a {@code .npy} file whose header must pass {@code typeCheck} (such as
     * {@link NpyHeader#requireFloat32}) before its data are looked at, so that a file of another
     * type is reported as such.
     *
     * @throws NpyFormatException if they are not a C-order array that passes the check, or the
     *     data length is wrong
     */
    public static NpyArray parse(byte[] bytes, Consumer<NpyHeader> typeCheck) {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        NpyHeader header;
        try {
            header = NpyHeader.read(in);
        } catch (IOException e) {
            throw new IllegalStateException("reading from memory cannot fail", e);
        }
        typeCheck.accept(header);
        return new NpyArray(header, in.readAllBytes());
    }

    /**
     * Reads a {@code .npy} file.
     *
     * @throws IOException naming the file if it is missing, unreadable or not a valid array
     */
    public static NpyArray read(Path file) throws IOException {
        return read(file, header -> {});
    }

    /**
     * Reads a {@code .npy} file whose header must pass {@code typeCheck} (see {@link
     * #parse(byte[], Consumer)}).
     *
     * @throws IOException naming the file if it is missing, unreadable or not a valid array
     */
    public static NpyArray read(Path file, Consumer<NpyHeader> typeCheck) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        }
        try {
            return parse(bytes, typeCheck);
        } catch (NpyFormatException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The whole file: header, then data. */
    public byte[] toBytes() {
        byte[] head = header.toBytes();
        byte[] all = new byte[head.length + data.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(data, 0, all, head.length, data.length);
        return all;
    }

    /** Writes the file. */
    public void write(Path file) throws IOException {
        Files.write(file, toBytes());
    }

    /**
     * The elements as floats.
     *
     * @throws NpyFormatException unless the type is little-endian float32 ({@code '<f4'})
     */
    public float[] floats() {
        header.requireFloat32();
        float[] values = new float[data.length / Float.BYTES];
        ByteBuffer.wrap(data).order(header.order()).asFloatBuffer().get(values);
        return values;
    }

    /**
     * The elements as longs, from any integer type (signed or not, 1 to 8 bytes). An unsigned 64-bit
     * value above {@link Long#MAX_VALUE} reads as {@link Long#MAX_VALUE}: out of any range a caller
     * checks, rather than wrapped around to a small number.
     *
     * @throws NpyFormatException unless the type is a little-endian (or one-byte) integer
     */
    public long[] longs() {
        header.requireIntegers();
        int size = header.itemSize();
        boolean signed = header.kind() == 'i';
        ByteBuffer buf = ByteBuffer.wrap(data).order(header.order());
        long[] values = new long[data.length / size];
        for (int i = 0; i < values.length; i++) {
            values[i] =
                    switch (size) {
                        case 1 -> signed ? buf.get() : Byte.toUnsignedLong(buf.get());
                        case 2 -> signed ? buf.getShort() : Short.toUnsignedLong(buf.getShort());
                        case 4 -> signed ? buf.getInt() : Integer.toUnsignedLong(buf.getInt());
                        default -> {
                            long v = buf.getLong();
                            yield signed || v >= 0 ? v : Long.MAX_VALUE;
                        }
                    };
        }
        return values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray a
                && header.equals(a.header)
                && Arrays.equals(data, a.data);
    }

    @Override
    public int hashCode() {
        return 31 * header.hashCode() + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "NpyArray[" + header.descr() + " " + header.shapeText() + "]";
    }
}
