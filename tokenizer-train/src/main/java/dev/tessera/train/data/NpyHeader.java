package dev.tessera.train.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a NumPy {@code .npy} file (format versions 1 to 3): element type, memory order and
 * shape. Only the element types this project reads are accepted.
 *
 * @param floating true for float32 elements, false for uint8
 * @param order byte order of float32 elements
 * @param shape the array's shape
 */
record NpyHeader(boolean floating, ByteOrder order, long[] shape) {

    /** NumPy writes headers of a few hundred bytes; a huge length means a damaged file. */
    private static final long MAX_HEADER_BYTES = 1 << 20;

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(\\w+)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** Bytes of one element. */
    int elementSize() {
        return floating ? 4 : 1;
    }

    /** Reads the header from the start of {@code in}, leaving it at the first element. */
    static NpyHeader read(InputStream in, Path file) throws IOException {
        byte[] prefix = in.readNBytes(8);
        if (prefix.length < 8 || !Arrays.equals(Arrays.copyOf(prefix, 6), MAGIC)) {
            throw new DataException(
                    file + " is not a NumPy .npy file: it does not start with \\x93NUMPY");
        }
        int major = prefix[6];
        if (major < 1 || major > 3) {
            throw new DataException(
                    file + " uses .npy format version " + major + "; versions 1 to 3 are read");
        }
        byte[] lengthBytes = in.readNBytes(major == 1 ? 2 : 4);
        long length = 0;
        for (int i = lengthBytes.length - 1; i >= 0; i--) {
            length = (length << 8) | (lengthBytes[i] & 0xff);
        }
        if (lengthBytes.length < (major == 1 ? 2 : 4)) {
            throw new DataException(file + " is truncated: it ends inside its .npy header");
        }
        if (length > MAX_HEADER_BYTES) {
            throw new DataException(
                    file + " is not a valid .npy file: its header claims " + length + " bytes");
        }
        byte[] text = in.readNBytes((int) length);
        if (text.length < length) {
            throw new DataException(file + " is truncated: it ends inside its .npy header");
        }
        return parse(new String(text, StandardCharsets.UTF_8), file);
    }

    private static NpyHeader parse(String header, Path file) {
        String descr = field(DESCR, header, file, "descr");
        if ("True".equals(field(FORTRAN, header, file, "fortran_order"))) {
            throw new DataException(
                    file
                            + " stores its array in Fortran order; save it in C order"
                            + " (np.save(path, np.ascontiguousarray(a)))");
        }
        long[] shape =
                Arrays.stream(field(SHAPE, header, file, "shape").split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .mapToLong(s -> parseDimension(s, file))
                        .toArray();
        return switch (descr) {
            case "|u1", "<u1", ">u1", "u1" -> new NpyHeader(false, ByteOrder.LITTLE_ENDIAN, shape);
            case "<f4" -> new NpyHeader(true, ByteOrder.LITTLE_ENDIAN, shape);
            case ">f4" -> new NpyHeader(true, ByteOrder.BIG_ENDIAN, shape);
            default ->
                    throw new DataException(
                            file
                                    + " holds elements of dtype '"
                                    + descr
                                    + "'; only uint8 ('|u1') and float32 ('<f4') arrays are"
                                    + " supported (convert with a.astype(np.uint8) or"
                                    + " a.astype(np.float32))");
        };
    }

    private static String field(Pattern pattern, String header, Path file, String name) {
        Matcher m = pattern.matcher(header);
        if (!m.find()) {
            throw new DataException(
                    file + " has a .npy header without '" + name + "': " + header.trim());
        }
        return m.group(1);
    }

    private static long parseDimension(String s, Path file) {
        try {
            return Long.parseLong(s.endsWith("L") ? s.substring(0, s.length() - 1) : s);
        } catch (NumberFormatException e) {
            throw new DataException(file + " has a .npy shape entry that is not a number: " + s);
        }
    }
}
