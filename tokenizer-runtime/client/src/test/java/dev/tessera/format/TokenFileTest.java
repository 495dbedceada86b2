package dev.tessera.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.runtime.TokenBatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

class TokenFileTest {

    @TempDir Path temp;

    private static final TokenBatch TWO_GRIDS =
            new TokenBatch(2, 2, 3, new int[] {0, 1, 2, 3, 4, 5, 127, 0, 64, 1, 2, 99});

    @Test
    void npyIsInt64LittleEndianWithAnAlignedHeader() throws IOException {
        Path file = temp.resolve("t.npy");
        TokenFile.of(TWO_GRIDS).write(file);
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = npyHeaderLength(bytes, "<i8");
        assertEquals(10 + headerLength + 12 * 8, bytes.length);
        assertEquals(127, buf.getLong(10 + headerLength + 6 * 8));
        assertEquals(99, buf.getLong(bytes.length - 8));

        TokenFile back = TokenFile.read(file);
        assertEquals(TWO_GRIDS, back.tokens());
        assertNull(back.model());
        assertEquals(List.of(), back.images());
    }

    @Test
    void npyIsInt32OnRequest() throws IOException {
        Path file = temp.resolve("t32.npy");
        TokenFile.of(TWO_GRIDS).write(file, TokenFile.IdType.INT32);
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = npyHeaderLength(bytes, "<i4");
        assertEquals(10 + headerLength + 12 * 4, bytes.length);
        assertEquals(127, buf.getInt(10 + headerLength + 6 * 4));
        assertEquals(TWO_GRIDS, TokenFile.read(file).tokens());
    }

    /** Checks the magic, version and 64-byte aligned header of type {@code descr}; its length. */
    private static int npyHeaderLength(byte[] bytes, String descr) {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals((byte) 0x93, bytes[0]);
        assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, bytes[6]);
        int headerLength = Short.toUnsignedInt(buf.getShort(8));
        assertEquals(0, (10 + headerLength) % 64, "data starts on a 64-byte boundary");
        String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
        assertTrue(
                header.startsWith(
                        "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (2, 2, 3), }"),
                header);
        assertTrue(header.endsWith(" \n"), header);
        return headerLength;
    }

    @Test
    void npyReadsOtherIntegerTypesAnd2dArrays() throws IOException {
        Path int64 = temp.resolve("i8.npy");
        Files.write(int64, npy("<i8", "(1, 2, 2)", 8, 3, 0, 15, 7));
        assertEquals(
                new TokenBatch(1, 2, 2, new int[] {3, 0, 15, 7}), TokenFile.read(int64).tokens());
        Path uint8 = temp.resolve("u1.npy");
        Files.write(uint8, npy("|u1", "(2, 2)", 1, 200, 1, 2, 255));
        assertEquals(
                new TokenBatch(1, 2, 2, new int[] {200, 1, 2, 255}),
                TokenFile.read(uint8).tokens());
        Path int16 = temp.resolve("i2.npy");
        Files.write(int16, npy("<i2", "(1, 1, 2)", 2, -1, 300));
        assertArrayEquals(new int[] {-1, 300}, TokenFile.read(int16).tokens().ids());
    }

    @Test
    void npyRefusesWhatIsNotATokenArray() throws IOException {
        assertReadFails(
                "f.npy", npy("<f4", "(1, 1, 1)", 4, 0), "dtype: expected little-endian integers");
        assertReadFails(
                "b.npy", npy(">i4", "(1, 1, 1)", 4, 0), "dtype: expected little-endian integers");
        byte[] fortran =
                new String(npy("<i4", "(1, 1, 1)", 4, 0), StandardCharsets.ISO_8859_1)
                        .replace("'fortran_order': False", "'fortran_order': True ")
                        .getBytes(StandardCharsets.ISO_8859_1);
        assertReadFails("fortran.npy", fortran, "fortran_order: expected False");
        assertReadFails("rank4.npy", npy("<i4", "(1, 1, 1, 1)", 4, 0), "shape: expected (N, h, w)");
        assertReadFails("empty.npy", npy("<i4", "(0, 2, 2)", 4), "shape: expected (N, h, w)");
        assertReadFails(
                "short.npy", npy("<i4", "(1, 2, 2)", 4, 1, 2, 3), "data: expected 16 bytes");
        assertReadFails(
                "big.npy",
                npy("<i8", "(1, 1, 1)", 8, 1L << 40),
                "ids[0]: 1099511627776 does not fit");
        assertReadFails(
                "text.npy", "hello".getBytes(StandardCharsets.US_ASCII), "not an .npy file");
    }

    private void assertReadFails(String name, byte[] bytes, String expected) throws IOException {
        Path file = temp.resolve(name);
        Files.write(file, bytes);
        IOException e = assertThrows(IOException.class, () -> TokenFile.read(file));
        assertTrue(e.getMessage().startsWith(file + ": " + expected), e.getMessage());
    }

    /** A hand-made .npy file with the given dtype, shape text and values. */
    private static byte[] npy(String descr, String shape, int width, long... values) {
        String dict =
                "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        String header = dict + " ".repeat(63 - (10 + dict.length()) % 64) + "\n";
        ByteBuffer buf =
                ByteBuffer.allocate(10 + header.length() + values.length * width)
                        .order(ByteOrder.LITTLE_ENDIAN);
        buf.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII));
        buf.put((byte) 1).put((byte) 0).putShort((short) header.length());
        buf.put(header.getBytes(StandardCharsets.US_ASCII));
        for (long v : values) {
            switch (width) {
                case 1 -> buf.put((byte) v);
                case 2 -> buf.putShort((short) v);
                case 4 -> buf.putInt((int) v);
                default -> buf.putLong(v);
            }
        }
        return buf.array();
    }

    @Test
    void jsonHasOneGridPerLineAndRoundTrips() throws IOException {
        TokenFile file =
                new TokenFile(TWO_GRIDS, "toy \"q\"", "1.2", 128, List.of("a.png", "dir\\b.png"));
        Path path = temp.resolve("t.json");
        file.write(path);
        assertEquals(
                String.join(
                        "\n",
                        "{",
                        "  \"model\": \"toy \\\"q\\\"\",",
                        "  \"version\": \"1.2\",",
                        "  \"codebook_size\": 128,",
                        "  \"shape\": [2, 2, 3],",
                        "  \"images\": [\"a.png\", \"dir\\\\b.png\"],",
                        "  \"ids\": [",
                        "    0, 1, 2, 3, 4, 5,",
                        "    127, 0, 64, 1, 2, 99",
                        "  ]",
                        "}",
                        ""),
                Files.readString(path));
        assertEquals(file, TokenFile.read(path));
    }

    @Test
    void jsonStringsKeepEveryCharacter() throws IOException {
        String odd = "tab\there \"quoted\" back\\slash\nnew line \u0001 é 漢字 /";
        TokenFile file =
                new TokenFile(
                        new TokenBatch(1, 1, 1, new int[] {-5}), odd, "v\r1", 0, List.of(odd));
        Path path = temp.resolve("odd.json");
        file.write(path);
        assertTrue(Files.readString(path).contains("\\u0001"), Files.readString(path));
        assertEquals(1, Files.readString(path).lines().filter(l -> l.contains("model")).count());
        assertEquals(file, TokenFile.read(path));
        Files.writeString(
                path, "{\"model\": \"\\u00e9\\/\\b\\f\", \"shape\":[1,1,1],\"ids\":[ 0 ]}");
        assertEquals("é/\b\f", TokenFile.read(path).model());
    }

    @Test
    void jsonNeedsOnlyShapeAndIds() throws IOException {
        Path path = temp.resolve("min.json");
        Files.writeString(path, "{\"ids\": [5, 6], \"shape\": [1, 1, 2]}");
        TokenFile file = TokenFile.read(path);
        assertEquals(new TokenBatch(1, 1, 2, new int[] {5, 6}), file.tokens());
        assertNull(file.model());
        assertNull(file.version());
        assertEquals(0, file.codebookSize());
        TokenFile.of(file.tokens()).write(path);
        assertEquals(TokenFile.of(file.tokens()), TokenFile.read(path));
    }

    @Test
    void jsonRefusesWhatIsNotATokenFile() throws IOException {
        String[][] cases = {
            {
                "{\"shape\": [1,1,2], \"ids\": [1,2], \"colour\": 1}",
                "unknown key \"colour\"; a token file has [model, version, codebook_size, shape,"
                        + " images, ids] at line 1 column 34"
            },
            {"{\"shape\": [1,1,2]}", "expected the keys \"shape\" ([N, h, w]) and \"ids\""},
            {"{}", "expected the keys \"shape\" ([N, h, w]) and \"ids\", got []"},
            {"{\"shape\": [1,1,2], \"ids\": [1]}", "tokens.ids: expected 2 ids"},
            {"{\"shape\": [1,2], \"ids\": [1,2]}", "shape: expected [N, h, w], got [1, 2]"},
            {
                "{\"shape\": [1,1,2],\n \"ids\": [1, 2.5]}",
                "ids[1]: expected a whole number, got 2.5 at line 2 column 13"
            },
            {
                "{\"shape\": [1,1,2], \"ids\": [1, 3000000000]}",
                "ids[1]: 3000000000 does not fit an int32 at line 1 column 31"
            },
            {"{\"shape\": [1,1,2], \"ids\": [1, 02]}", "ids[1]: expected a whole number, got 02"},
            {
                "{\"shape\": [1,1,2], \"ids\": [1, true]}",
                "ids[1]: expected a whole number, got 't'"
            },
            {"{\"shape\": [1,1,2], \"ids\": [1, 2,]}", "ids[2]: expected a whole number, got ']'"},
            {
                "{\"shape\": [1,1,2], \"ids\": [1 2]}",
                "expected ',' or the end of the array \"ids\" (']') at line 1 column 30"
            },
            {"{\"shape\": [1,1,1], \"ids\": [1], \"ids\": [2]}", "key \"ids\" appears twice"},
            {
                "{\"shape\": [1,1,1], \"ids\": [1], \"images\": [\"a\", \"b\"]}",
                "images: expected one name per grid (1), got 2"
            },
            {"{\"shape\": [1,1,1], \"ids\": [1], \"model\": 5}", "model: expected a string"},
            {
                "{\"shape\": [1,1,1], \"ids\": [1], \"model\": \"a\\qb\"}",
                "model: unknown escape \\q"
            },
            {
                "{\"shape\": [1,1,1], \"ids\": [1], \"model\": \"ab}",
                "model: the string is not closed at the end of the text"
            },
            {
                "{\"shape\": [1,1,1], \"ids\": [1], \"codebook_size\": -3}",
                "codebook_size: expected ≥ 0, got -3"
            },
            {"{\"shape\" [1,1,1]}", "expected a colon after \"shape\" (':') at line 1 column 10"},
            {
                "{\"shape\": [1,1,1], \"ids\": [1]} extra",
                "unexpected text after the JSON object at line 1 column 32"
            },
            {
                "{\"shape\": [1,1,1], \"ids\": [1]",
                "expected ',' or the end of the object ('}') at the end of the text"
            },
            {"[1, 2]", "expected a JSON object ('{') at line 1 column 1"},
            {"", "expected a JSON object ('{') at the end of the text"},
        };
        for (String[] c : cases) {
            assertJsonFails(c[0], c[1]);
        }
    }

    private void assertJsonFails(String json, String expected) throws IOException {
        Path file = temp.resolve("bad.json");
        Files.writeString(file, json);
        IOException e = assertThrows(IOException.class, () -> TokenFile.read(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
    }

    @Test
    void formatFollowsTheExtension() throws IOException {
        assertEquals(TokenFile.Format.NPY, TokenFile.Format.of(Path.of("x/T.NPY")));
        assertEquals(TokenFile.Format.JSON, TokenFile.Format.of(Path.of("t.json")));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> TokenFile.Format.of(Path.of("t.txt")));
        assertEquals("t.txt: expected a token file name ending in .npy or .json", e.getMessage());
        IOException missing =
                assertThrows(IOException.class, () -> TokenFile.read(temp.resolve("none.npy")));
        assertEquals(temp.resolve("none.npy") + ": no such file", missing.getMessage());
    }

    @Test
    void writingReplacesAnOldFileAndLeavesNoTemporaryBehind() throws IOException {
        Path path = temp.resolve("t.npy");
        Files.writeString(path, "old");
        TokenFile.of(TWO_GRIDS).write(path);
        assertEquals(TWO_GRIDS, TokenFile.read(path).tokens());
        try (var files = Files.list(temp)) {
            assertEquals(List.of(path), files.toList());
        }
    }
}
