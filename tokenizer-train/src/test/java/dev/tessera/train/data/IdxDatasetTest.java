package dev.tessera.train.data;

import static dev.tessera.train.data.DataFixtures.bytes;
import static dev.tessera.train.data.DataFixtures.writeIdx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.runtime.ImageBatch;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

class IdxDatasetTest {

    private static final Path MNIST = Path.of("/work/shared/data/mnist");

    @TempDir Path dir;

    /** {@code n} images of 2 rows × 3 columns; pixel p of image i is 10·i + p. */
    private static byte[] pixels(int n) {
        byte[] data = new byte[n * 6];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < 6; p++) {
                data[i * 6 + p] = (byte) (10 * i + p);
            }
        }
        return data;
    }

    private static byte[] labels(int n) {
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) {
            data[i] = (byte) (9 - i % 10);
        }
        return data;
    }

    @Test
    void directoryUsesTrainAndT10kFilesGzippedOrRaw() throws IOException {
        writeIdx(dir.resolve("train-images-idx3-ubyte.gz"), true, new int[] {4, 2, 3}, pixels(4));
        writeIdx(dir.resolve("train-labels-idx1-ubyte.gz"), true, new int[] {4}, labels(4));
        writeIdx(dir.resolve("t10k-images-idx3-ubyte"), false, new int[] {2, 2, 3}, pixels(2));
        writeIdx(dir.resolve("t10k-labels-idx1-ubyte"), false, new int[] {2}, bytes(3, 4));

        DataSplits splits = Datasets.open(dir.toString(), DataOptions.defaults(1));

        ImageSource train = splits.train();
        assertEquals(4, train.count());
        assertEquals(1, train.channels());
        assertEquals(2, train.height());
        assertEquals(3, train.width());
        ImageBatch last = train.read(3, 4);
        assertArrayEquals(bytes(30, 31, 32, 33, 34, 35), last.pixels());
        assertEquals(9, train.label(0));
        assertEquals(6, train.label(3));
        assertEquals(2, splits.test().count());
        assertArrayEquals(bytes(10, 11, 12, 13, 14, 15), splits.test().read(1, 2).pixels());
        assertEquals(4, splits.test().label(1));
        assertTrue(
                train.describe().startsWith("IDX " + dir.resolve("train-images-idx3-ubyte.gz")),
                train.describe());
        assertTrue(train.describe().contains("4 images 1x2x3"), train.describe());
    }

    @Test
    void trainFileAloneIsSplitByHoldOutWithLabelsFollowingTheirImages() throws IOException {
        writeIdx(dir.resolve("train-images-idx3-ubyte"), false, new int[] {20, 2, 3}, pixels(20));
        writeIdx(dir.resolve("train-labels-idx1-ubyte"), false, new int[] {20}, labels(20));

        DataSplits splits = Datasets.open(dir.toString(), DataOptions.defaults(7));

        assertEquals(18, splits.train().count());
        assertEquals(2, splits.test().count());
        for (ImageSource part : new ImageSource[] {splits.train(), splits.test()}) {
            for (int i = 0; i < part.count(); i++) {
                int image = part.read(i, i + 1).pixel(0, 0, 0, 0) / 10;
                assertEquals(9 - image % 10, part.label(i));
            }
        }
    }

    @Test
    void singleImagesFileFindsItsLabelsBesideIt() throws IOException {
        Path images =
                writeIdx(
                        dir.resolve("my-images-idx3-ubyte"),
                        false,
                        new int[] {10, 2, 3},
                        pixels(10));
        writeIdx(dir.resolve("my-labels-idx1-ubyte.gz"), true, new int[] {10}, labels(10));

        DataSplits splits = Datasets.open(images.toString(), DataOptions.defaults(3));

        assertEquals(9, splits.train().count());
        assertEquals(1, splits.test().count());
        int image = splits.test().read(0, 1).pixel(0, 0, 0, 0) / 10;
        assertEquals(9 - image, splits.test().label(0));
    }

    @Test
    void forcedChannelsAndSizeApplyToIdxImages() throws IOException {
        writeIdx(
                dir.resolve("train-images-idx3-ubyte"),
                false,
                new int[] {1, 2, 2},
                bytes(0, 100, 200, 40));
        writeIdx(
                dir.resolve("t10k-images-idx3-ubyte"),
                false,
                new int[] {1, 2, 2},
                bytes(5, 5, 5, 5));

        DataSplits splits =
                Datasets.open(
                        dir.toString(),
                        DataOptions.defaults(1).withChannels(3).withImageSize(1, 1));

        ImageBatch train = splits.train().read(0, 1);
        assertArrayEquals(new long[] {1, 3, 1, 1}, train.shape());
        assertArrayEquals(bytes(85, 85, 85), train.pixels()); // (0+100+200+40)/4 = 85
        assertArrayEquals(bytes(5, 5, 5), splits.test().read(0, 1).pixels());
    }

    @Test
    void wrongMagicNumberNamesTheFile() throws IOException {
        Path file = dir.resolve("train-images-idx3-ubyte");
        DataFixtures.write(file, false, bytes(0x89, 'P', 'N', 'G', 0, 0, 0, 1));

        DataException e =
                assertThrows(
                        DataException.class,
                        () -> Datasets.open(dir.toString(), DataOptions.defaults(1)));

        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not an IDX file"), e.getMessage());
    }

    @Test
    void wrongElementTypeAndRankAreReported() throws IOException {
        Path floats = dir.resolve("a-images-idx3-ubyte");
        DataFixtures.write(floats, false, bytes(0, 0, 0x0D, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1));
        Path labels = dir.resolve("b-images-idx3-ubyte");
        writeIdx(labels, false, new int[] {3}, bytes(1, 2, 3));

        DataException type = assertThrows(DataException.class, () -> IdxReader.readImages(floats));
        DataException rank = assertThrows(DataException.class, () -> IdxReader.readImages(labels));

        assertTrue(
                type.getMessage().contains(floats + " holds IDX elements of type 0x0d"),
                type.getMessage());
        assertTrue(rank.getMessage().contains(labels + " has 1 dimensions"), rank.getMessage());
    }

    @Test
    void truncatedFilesAreReportedRawAndGzipped() throws IOException {
        byte[] full =
                Files.readAllBytes(
                        writeIdx(dir.resolve("full"), false, new int[] {4, 2, 3}, pixels(4)));
        Path raw =
                DataFixtures.write(
                        dir.resolve("raw-images-idx3-ubyte"),
                        false,
                        Arrays.copyOf(full, full.length - 5));
        byte[] gz =
                Files.readAllBytes(
                        writeIdx(dir.resolve("full.gz"), true, new int[] {4, 2, 3}, pixels(4)));
        Path gzip =
                DataFixtures.write(
                        dir.resolve("gz-images-idx3-ubyte.gz"),
                        false,
                        Arrays.copyOf(gz, gz.length - 12));

        DataException rawError = assertThrows(DataException.class, () -> IdxReader.readImages(raw));
        DataException gzError = assertThrows(DataException.class, () -> IdxReader.readImages(gzip));

        assertTrue(rawError.getMessage().contains(raw + " is truncated"), rawError.getMessage());
        assertTrue(
                rawError.getMessage().contains("24 bytes of data) but only 19"),
                rawError.getMessage());
        assertTrue(gzError.getMessage().contains(gzip.toString()), gzError.getMessage());
        assertTrue(gzError.getMessage().contains("truncated"), gzError.getMessage());
    }

    @Test
    void labelCountMustMatchImageCount() throws IOException {
        writeIdx(dir.resolve("train-images-idx3-ubyte"), false, new int[] {4, 2, 3}, pixels(4));
        Path labels =
                writeIdx(dir.resolve("train-labels-idx1-ubyte"), false, new int[] {3}, labels(3));

        DataException e =
                assertThrows(
                        DataException.class,
                        () -> Datasets.open(dir.toString(), DataOptions.defaults(1)));

        assertTrue(e.getMessage().contains(labels + " holds 3 labels but"), e.getMessage());
    }

    @Test
    void t10kWithoutTrainImagesIsAnError() throws IOException {
        writeIdx(dir.resolve("t10k-images-idx3-ubyte"), false, new int[] {2, 2, 3}, pixels(2));

        DataException e =
                assertThrows(
                        DataException.class,
                        () -> Datasets.open(dir.toString(), DataOptions.defaults(1)));

        assertTrue(e.getMessage().contains("no train-images-idx3-ubyte"), e.getMessage());
    }

    @Test
    void realMnistHasItsKnownShapeAndFirstLabels() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(MNIST), "MNIST is not at " + MNIST);

        DataSplits splits = Datasets.open(MNIST.toString(), DataOptions.defaults(1));

        assertEquals(60000, splits.train().count());
        assertEquals(10000, splits.test().count());
        assertEquals(1, splits.train().channels());
        assertEquals(28, splits.train().height());
        assertEquals(28, splits.train().width());
        assertEquals(5, splits.train().label(0));
        assertEquals(7, splits.test().label(0));
        assertEquals(
                "IDX "
                        + MNIST.resolve("train-images-idx3-ubyte.gz")
                        + ": 60000 images 1x28x28,"
                        + " labels from train-labels-idx1-ubyte.gz",
                splits.train().describe());
    }
}
