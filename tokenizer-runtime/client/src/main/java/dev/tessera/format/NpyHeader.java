package dev.tessera.format;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a NumPy {@code .npy} file: the element type ({@code descr}, such as {@code '<f4'})
 * and the shape of a C-order array. Read from format versions 1 to 3; written as version 1.0 with
 * the header padded so that the data start on a 64-byte boundary, byte for byte as {@code
 * numpy.save} writes it. Arrays in Fortran order are refused on reading: nothing here reads them.
 *
 * @param descr NumPy's type string: byte order ({@code <}, {@code >}, {@code |} or {@code =}), kind
 *     ({@code f}, {@code i}, {@code u}, ...) and item size in bytes
 * @param shape the array's dimensions, outermost first
 */
public record NpyHeader(String descr, long[] shape) {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** Magic, version and the 2-byte header length of format 1.0. */
    private static final int PREAMBLE_V1 = MAGIC.length + 2 + 2;

    /** Data starts on a multiple of this many bytes, as NumPy writes it. */
    private static final int ALIGNMENT = 64;

    /** NumPy writes headers of a few hundred bytes; a huge length means a damaged file. */
    private static final long MAX_HEADER_BYTES = 1 << 20;

    private static final Pattern DESCR_FORM = Pattern.compile("[<>|=][a-zA-Z](\\d+)");
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(\\w+)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /**
     * Validates the type string and copies the shape.
     *
     * @throws NpyFormatException if {@code descr} is not a fixed-size type or a dimension is
     *     negative
     */
    public NpyHeader {
        Objects.requireNonNull(descr, "descr");
        if (!DESCR_FORM.matcher(descr).matches()) {
            throw new NpyFormatException(
                    "dtype: expected a fixed-size type such as '<f4', got '" + descr + "'");
        }
        shape = shape.clone();
        for (long d : shape) {
            if (d < 0) {
                throw new NpyFormatException("shape: expected dimensions ≥ 0, got " + text(shape));
            }
        }
    }

    /** The header of a C-order array of {@code descr} elements. */
    public static NpyHeader of(String descr, long... shape) {
        return new NpyHeader(descr, shape);
    }

    /** The shape (a copy). */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Number of elements: the product of the shape. */
    public long count() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** The kind of element: {@code 'f'} float, {@code 'i'} signed, {@code 'u'} unsigned, .... */
    public char kind() {
        return descr.charAt(1);
    }

    /** Bytes of one element. */
    public int itemSize() {
        return Integer.parseInt(descr.substring(2));
    }

    /** Byte order of the elements: big-endian for {@code >}, little-endian otherwise. */
    public ByteOrder order() {
        return descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    /** Bytes of data the header promises: elements times item size. */
    public long dataBytes() {
        return Math.multiplyExact(count(), itemSize());
    }

    /**
     * This header, if its elements are little-endian float32.
     *
     * @throws NpyFormatException naming the type otherwise
     */
    public NpyHeader requireFloat32() {
        if (!descr.equals("<f4")) {
            throw new NpyFormatException(
                    "dtype: expected '<f4' (little-endian float32), got '" + descr + "'");
        }
        return this;
    }

    /**
     * This header, if its elements are little-endian (or one-byte) integers of 1, 2, 4 or 8 bytes.
     *
     * @throws NpyFormatException naming the type otherwise
     */
    public NpyHeader requireIntegers() {
        int size = itemSize();
        boolean bigEndian = descr.charAt(0) == '>' && size > 1;
        if ((kind() != 'i' && kind() != 'u') || bigEndian || Long.bitCount(size) != 1 || size > 8) {
            throw new NpyFormatException(
                    "dtype: expected little-endian integers such as '<i4' (int32), got '"
                            + descr
                            + "'");
        }
        return this;
    }

    /** The shape as Python writes a tuple: {@code (2, 3)}, {@code (5,)}, {@code ()}. */
    public String shapeText() {
        return text(shape);
    }

    private static String text(long[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return s.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /** The header as {@code numpy.save} writes it: format 1.0, padded to a 64-byte boundary. */
    public byte[] toBytes() {
        String dict =
                "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeText() + ", }";
        int unpadded = PREAMBLE_V1 + dict.length() + 1;
        int padding = (ALIGNMENT - unpadded % ALIGNMENT) % ALIGNMENT;
        String text = dict + " ".repeat(padding) + "\n";
        ByteBuffer buf =
                ByteBuffer.allocate(PREAMBLE_V1 + text.length()).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length());
        buf.put(text.getBytes(StandardCharsets.ISO_8859_1));
        return buf.array();
    }

    /**
     * Reads the header from the start of {@code in}, leaving it at the first data byte.
     *
     * @throws NpyFormatException if the bytes are not a C-order {@code .npy} array
     * @throws IOException if reading fails
     */
    public static NpyHeader read(InputStream in) throws IOException {
        byte[] prefix = in.readNBytes(MAGIC.length + 2);
        if (prefix.length < MAGIC.length || !Arrays.equals(prefix, 0, MAGIC.length, MAGIC, 0, 6)) {
            throw new NpyFormatException("not an .npy file (magic \\x93NUMPY missing)", true);
        }
        if (prefix.length < MAGIC.length + 2) {
            throw new NpyFormatException("truncated .npy header");
        }
        int major = prefix[MAGIC.length];
        if (major < 1 || major > 3) {
            throw new NpyFormatException(
                    "unsupported .npy format version " + major + "; versions 1 to 3 are read");
        }
        byte[] lengthBytes = in.readNBytes(major == 1 ? 2 : 4);
        if (lengthBytes.length < (major == 1 ? 2 : 4)) {
            throw new NpyFormatException("truncated .npy header");
        }
        long length = 0;
        for (int i = lengthBytes.length - 1; i >= 0; i--) {
            length = (length << 8) | (lengthBytes[i] & 0xff);
        }
        if (length > MAX_HEADER_BYTES) {
            throw new NpyFormatException("the .npy header claims " + length + " bytes");
        }
        byte[] text = in.readNBytes((int) length);
        if (text.length < length) {
            throw new NpyFormatException("truncated .npy header");
        }
        // Versions 1 and 2 store the header in Latin-1, version 3 in UTF-8.
        return parse(
                new String(
                        text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1));
    }

    private static NpyHeader parse(String dict) {
        String descr = field(DESCR, dict, "descr");
        if ("True".equals(field(FORTRAN, dict, "fortran_order"))) {
            throw new NpyFormatException(
                    "fortran_order: expected False (C order); save with"
                            + " np.save(path, np.ascontiguousarray(a))");
        }
        long[] shape =
                Arrays.stream(field(SHAPE, dict, "shape").split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .mapToLong(NpyHeader::dimension)
                        .toArray();
        return new NpyHeader(descr, shape);
    }

    private static String field(Pattern pattern, String dict, String name) {
        Matcher m = pattern.matcher(dict);
        if (!m.find()) {
            throw new NpyFormatException("header: expected '" + name + "', got " + dict.trim());
        }
        return m.group(1);
    }

    private static long dimension(String text) {
        try {
            // Python 2 wrote long integers with an L suffix.
            return Long.parseLong(text.endsWith("L") ? text.substring(0, text.length() - 1) : text);
        } catch (NumberFormatException e) {
            throw new NpyFormatException("shape: expected whole numbers, got \"" + text + "\"");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyHeader h && descr.equals(h.descr) && Arrays.equals(shape, h.shape);
    }

    @Override
    public int hashCode() {
        return 31 * descr.hashCode() + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "NpyHeader[" + descr + " " + shapeText() + "]";
    }
}
