package dev.tessera.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

class NpyArrayTest {

    @Test
    void headerIsNumpysV1LayoutPaddedToAMultipleOf64Bytes() {
        byte[] header = NpyArray.float32(new float[6], 2, 3).header().toBytes();
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        // 10 preamble bytes + 59-byte dict + 58 spaces + newline = 128, byte for byte what
        // numpy.save writes for np.zeros((2, 3), np.float32).
        assertEquals(128, header.length);
        byte[] expected =
                ByteBuffer.allocate(128)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0})
                        .putShort((short) 118)
                        .put((dict + " ".repeat(58) + "\n").getBytes(StandardCharsets.US_ASCII))
                        .array();
        assertArrayEquals(expected, header);
    }

    @Test
    void longHeaderPadsToTheNextMultipleOf64() {
        byte[] header = NpyArray.float32(new float[100000], 100000, 1).header().toBytes();
        assertEquals(0, header.length % 64);
        assertEquals('\n', header[header.length - 1]);
    }

    @Test
    void writeThenReadGivesTheSameValues(@TempDir Path dir) throws IOException {
        float[] values = {0f, -1.5f, 3.25f, Float.MIN_VALUE, 1e30f, -0f};
        FloatMatrix m = new FloatMatrix(3, 2, values);
        Path file = dir.resolve("codebook.npy");
        m.write(file);
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(128 + 6 * 4, bytes.length);
        // Data follows the header, little-endian: -1.5f is 0xBFC00000.
        assertArrayEquals(
                new byte[] {0, 0, (byte) 0xC0, (byte) 0xBF}, Arrays.copyOfRange(bytes, 132, 136));
        FloatMatrix back = FloatMatrix.read(file);
        assertEquals(m, back);
        assertEquals(3.25f, back.get(1, 0));
    }

    @Test
    void refusesOtherDtypes() {
        byte[] bytes = new FloatMatrix(1, 1, new float[1]).toNpy().toBytes();
        byte[] f8 =
                new String(bytes, StandardCharsets.ISO_8859_1)
                        .replace("<f4", "<f8")
                        .getBytes(StandardCharsets.ISO_8859_1);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> FloatMatrix.parse(f8));
        assertTrue(e.getMessage().contains("'<f8'"), e.getMessage());
    }

    @Test
    void refusesTruncatedData() {
        byte[] bytes = new FloatMatrix(2, 2, new float[4]).toNpy().toBytes();
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> NpyArray.parse(Arrays.copyOf(bytes, bytes.length - 1)));
        assertEquals("data: expected 16 bytes for shape (2, 2), got 15", e.getMessage());
    }
}
