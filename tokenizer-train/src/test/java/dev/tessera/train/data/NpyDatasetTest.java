package dev.tessera.train.data;

import static dev.tessera.train.data.DataFixtures.bytes;
import static dev.tessera.train.data.DataFixtures.littleEndianFloats;
import static dev.tessera.train.data.DataFixtures.writeNpy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.runtime.ImageBatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

class NpyDatasetTest {

    @TempDir Path dir;

    private static byte[] sequence(int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) i;
        }
        return out;
    }

    @Test
    void uint8NchwIsReadAsIs() throws IOException {
        Path file = writeNpy(dir.resolve("a.npy"), "|u1", new int[] {2, 3, 2, 2}, sequence(24));

        ImageBatch batch = NpyImages.read(file);

        assertArrayEquals(new long[] {2, 3, 2, 2}, batch.shape());
        assertArrayEquals(sequence(24), batch.pixels());
    }

    @Test
    void float32NhwcIsScaledRoundedClampedAndTransposed() throws IOException {
        // One 2x1 RGB image; pixel (0,0) = (0.5, 1.2, -0.1), pixel (1,0) = (0.2, 0.0, 1.0).
        byte[] data = littleEndianFloats(0.5f, 1.2f, -0.1f, 0.2f, 0f, 1f);
        Path file = writeNpy(dir.resolve("f.npy"), "<f4", new int[] {1, 2, 1, 3}, data);

        ImageBatch batch = NpyImages.read(file);

        assertArrayEquals(new long[] {1, 3, 2, 1}, batch.shape());
        // 0.5·255 = 127.5 → 128; 0.2·255 = 51.
        assertArrayEquals(bytes(128, 51, 255, 0, 0, 255), batch.pixels());
    }

    @Test
    void uint8NhwcIsTransposedForEveryImage() throws IOException {
        Path file = writeNpy(dir.resolve("h.npy"), "|u1", new int[] {2, 2, 2, 3}, sequence(24));

        ImageBatch batch = NpyImages.read(file);

        assertArrayEquals(new long[] {2, 3, 2, 2}, batch.shape());
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 2; y++) {
                    for (int x = 0; x < 2; x++) {
                        assertEquals(((n * 2 + y) * 2 + x) * 3 + c, batch.pixel(n, c, y, x));
                    }
                }
            }
        }
    }

    @Test
    void ambiguousShapeIsReadAsChannelsFirst() throws IOException {
        // [1, 1, 2, 3] fits NCHW (1 channel, 2x3) and NHWC (1x2, 3 channels); axis 1 wins.
        Path file = writeNpy(dir.resolve("amb.npy"), "|u1", new int[] {1, 1, 2, 3}, sequence(6));

        assertArrayEquals(new long[] {1, 1, 2, 3}, NpyImages.read(file).shape());
    }

    @Test
    void threeDimensionalArrayIsGrayscale() throws IOException {
        Path file = writeNpy(dir.resolve("g.npy"), "|u1", new int[] {3, 2, 4}, sequence(24));

        ImageBatch batch = NpyImages.read(file);

        assertArrayEquals(new long[] {3, 1, 2, 4}, batch.shape());
        assertEquals(13, batch.pixel(1, 0, 1, 1));
    }

    @Test
    void singleFileIsSplitByHoldOut() throws IOException {
        Path file = writeNpy(dir.resolve("all.npy"), "|u1", new int[] {30, 1, 1, 1}, sequence(30));

        DataSplits splits =
                Datasets.open(file.toString(), DataOptions.defaults(5).withTestFraction(0.2));

        assertEquals(24, splits.train().count());
        assertEquals(6, splits.test().count());
        assertEquals(-1, splits.train().label(0));
    }

    @Test
    void directoryWithTrainAndTestArraysUsesThem() throws IOException {
        writeNpy(dir.resolve("train.npy"), "|u1", new int[] {3, 2, 2, 1}, sequence(12));
        writeNpy(
                dir.resolve("test.npy"),
                "<f4",
                new int[] {1, 2, 2},
                littleEndianFloats(0, 0.25f, 0.75f, 1));

        DataSplits splits = Datasets.open(dir.toString(), DataOptions.defaults(5));

        assertEquals(3, splits.train().count());
        assertArrayEquals(bytes(8, 9, 10, 11), splits.train().read(2, 3).pixels());
        assertEquals(1, splits.test().count());
        assertArrayEquals(bytes(0, 64, 191, 255), splits.test().read(0, 1).pixels());
        assertTrue(splits.description().contains("3 train, 1 test"), splits.description());
    }

    @Test
    void unsupportedDtypeNamesFileAndDtype() throws IOException {
        Path file = writeNpy(dir.resolve("d.npy"), "<f8", new int[] {1, 1, 1}, new byte[8]);

        DataException e =
                assertThrows(
                        DataException.class,
                        () -> Datasets.open(file.toString(), DataOptions.defaults(1)));

        assertTrue(
                e.getMessage().contains(file + " holds elements of dtype '<f8'"), e.getMessage());
    }

    @Test
    void truncatedArrayIsReported() throws IOException {
        Path file = writeNpy(dir.resolve("t.npy"), "<f4", new int[] {2, 2, 2}, new byte[30]);

        DataException e = assertThrows(DataException.class, () -> NpyImages.read(file));

        assertTrue(e.getMessage().contains(file + " is truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("32 bytes of data but only 30"), e.getMessage());
    }

    @Test
    void shapeWithoutAChannelAxisIsRejected() throws IOException {
        Path file = writeNpy(dir.resolve("s.npy"), "|u1", new int[] {1, 5, 2, 2}, new byte[20]);

        DataException e = assertThrows(DataException.class, () -> NpyImages.read(file));

        assertTrue(e.getMessage().contains(file + " has shape [1, 5, 2, 2]"), e.getMessage());
    }

    @Test
    void nanIsRejected() throws IOException {
        Path file =
                writeNpy(
                        dir.resolve("n.npy"),
                        "<f4",
                        new int[] {1, 1, 2},
                        littleEndianFloats(0, Float.NaN));

        DataException e = assertThrows(DataException.class, () -> NpyImages.read(file));

        assertTrue(e.getMessage().contains(file + " holds NaN at element 1"), e.getMessage());
    }

    @Test
    void notAnNpyFileIsRejected() throws IOException {
        Path file =
                DataFixtures.write(
                        dir.resolve("x.npy"), false, bytes('P', 'K', 3, 4, 0, 0, 0, 0, 0, 0));

        DataException e = assertThrows(DataException.class, () -> NpyImages.read(file));

        assertTrue(e.getMessage().contains(file + " is not a NumPy .npy file"), e.getMessage());
    }
}
