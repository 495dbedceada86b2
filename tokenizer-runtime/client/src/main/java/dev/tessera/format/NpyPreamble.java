package dev.tessera.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The start of every {@code .npy} file: the magic string, the format version and the header, a
 * Python dict literal describing dtype, order and shape. Shared by the readers of codebooks and of
 * token files.
 */
public final class NpyPreamble {

    /** {@code \x93NUMPY}. */
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** Magic, version and the 2-byte header length of format 1.0. */
    static final int LENGTH_V1 = MAGIC.length + 2 + 2;

    /** Data starts on a multiple of this many bytes, as NumPy writes it. */
    private static final int ALIGNMENT = 64;

    private NpyPreamble() {}

    /**
     * The format 1.0 preamble for {@code dict}: magic, version, length and the dict padded with
     * spaces to a 64-byte boundary, ending in a newline.
     */
    public static byte[] write(String dict) {
        int unpadded = LENGTH_V1 + dict.length() + 1;
        int padding = (ALIGNMENT - unpadded % ALIGNMENT) % ALIGNMENT;
        String text = dict + " ".repeat(padding) + "\n";
        ByteBuffer buf =
                ByteBuffer.allocate(LENGTH_V1 + text.length()).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length());
        buf.put(text.getBytes(StandardCharsets.US_ASCII));
        return buf.array();
    }

    /**
     * The header dict text of the {@code .npy} bytes behind {@code buf} (an array-backed,
     * little-endian buffer); leaves {@code buf} at the first data byte.
     *
     * @throws IllegalArgumentException if the bytes are not {@code .npy} or the header is cut off
     */
    public static String readHeader(ByteBuffer buf) {
        byte[] bytes = buf.array();
        if (bytes.length < LENGTH_V1 || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new IllegalArgumentException("not an .npy file (magic \\x93NUMPY missing)");
        }
        int major = bytes[6];
        buf.position(8);
        long headerLength =
                switch (major) {
                    case 1 -> Short.toUnsignedInt(buf.getShort());
                    case 2, 3 -> Integer.toUnsignedLong(buf.getInt());
                    default ->
                            throw new IllegalArgumentException(
                                    "unsupported .npy format version " + major);
                };
        if (buf.position() + headerLength > bytes.length) {
            throw new IllegalArgumentException("truncated .npy header");
        }
        String dict =
                new String(bytes, buf.position(), (int) headerLength, StandardCharsets.ISO_8859_1);
        buf.position(buf.position() + (int) headerLength);
        return dict;
    }
}
