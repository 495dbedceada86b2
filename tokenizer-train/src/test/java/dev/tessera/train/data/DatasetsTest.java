package dev.tessera.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.runtime.ImageBatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

class DatasetsTest {

    @TempDir Path dir;

    @Test
    void syntheticWrapsSyntheticShapesWithTrainAndTestSeeds() throws IOException {
        DataOptions options = DataOptions.defaults(42).withSynthetic(20, 6, 16);

        DataSplits splits = Datasets.open("synthetic", options);

        SyntheticShapes shapes = new SyntheticShapes(16);
        assertEquals(shapes.generate(20, 42), splits.train().read(0, 20));
        assertEquals(shapes.generate(6, 43), splits.test().read(0, 6));
        assertEquals(-1, splits.train().label(0));
    }

    @Test
    void syntheticHonoursChannelsAndImageSize() throws IOException {
        DataOptions options =
                DataOptions.defaults(1).withSynthetic(3, 2, 16).withChannels(3).withImageSize(8, 8);

        DataSplits splits = Datasets.open("synthetic", options);

        assertArrayEquals(new long[] {3, 3, 8, 8}, splits.train().read(0, 3).shape());
        assertArrayEquals(new long[] {2, 3, 8, 8}, splits.test().read(0, 2).shape());
    }

    /** 50 images of 1x1 whose single pixel is their index. */
    private static InMemoryImages numbered(int n) {
        byte[] pixels = new byte[n];
        for (int i = 0; i < n; i++) {
            pixels[i] = (byte) i;
        }
        return new InMemoryImages(new ImageBatch(n, 1, 1, 1, pixels), null, "numbered");
    }

    private static List<Integer> values(ImageSource source) {
        List<Integer> out = new ArrayList<>();
        ImageBatch batch = source.read(0, source.count());
        for (int i = 0; i < batch.count(); i++) {
            out.add(batch.pixel(i, 0, 0, 0));
        }
        return out;
    }

    @Test
    void holdOutIsDisjointCompleteAndDeterministicForASeed() {
        DataSplits a = HoldOutSplit.split(numbered(50), 0.1, 7);
        DataSplits b = HoldOutSplit.split(numbered(50), 0.1, 7);
        DataSplits c = HoldOutSplit.split(numbered(50), 0.1, 8);

        assertEquals(45, a.train().count());
        assertEquals(5, a.test().count());
        Set<Integer> all = new HashSet<>(values(a.train()));
        all.addAll(values(a.test()));
        assertEquals(50, all.size());
        assertEquals(values(a.test()), values(b.test()));
        assertEquals(values(a.train()), values(b.train()));
        assertNotEquals(values(a.test()), values(c.test()));
    }

    @Test
    void holdOutKeepsAtLeastOneImageOnEachSide() {
        DataSplits small = HoldOutSplit.split(numbered(3), 0.01, 1);
        assertEquals(2, small.train().count());
        assertEquals(1, small.test().count());

        DataSplits large = HoldOutSplit.split(numbered(3), 0.99, 1);
        assertEquals(1, large.train().count());

        DataException e =
                assertThrows(DataException.class, () -> HoldOutSplit.split(numbered(1), 0.1, 1));
        assertTrue(e.getMessage().contains("needs at least 2"), e.getMessage());
    }

    @Test
    void missingPathIsNamed() {
        Path missing = dir.resolve("nowhere");

        DataException e =
                assertThrows(
                        DataException.class,
                        () -> Datasets.open(missing.toString(), DataOptions.defaults(1)));

        assertTrue(e.getMessage().contains(missing + " does not exist"), e.getMessage());
    }

    @Test
    void directoryWithoutDataIsNamed() throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "hello");

        DataException e =
                assertThrows(
                        DataException.class,
                        () -> Datasets.open(dir.toString(), DataOptions.defaults(1)));

        assertTrue(
                e.getMessage().contains("data directory " + dir + " holds no IDX files"),
                e.getMessage());
    }

    @Test
    void unknownFileTypeIsNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("data.csv"), "1,2,3");

        DataException e =
                assertThrows(
                        DataException.class,
                        () -> Datasets.open(file.toString(), DataOptions.defaults(1)));

        assertTrue(e.getMessage().contains("data file " + file + " is neither"), e.getMessage());
    }

    @Test
    void folderWithoutOwnSplitIsHeldOut() throws IOException {
        for (int i = 0; i < 20; i++) {
            DataFixtures.writeUniformGray(dir.resolve("img" + (char) ('a' + i) + ".png"), 3, i);
        }

        DataSplits splits =
                Datasets.open(dir.toString(), DataOptions.defaults(3).withTestFraction(0.25));

        assertEquals(15, splits.train().count());
        assertEquals(5, splits.test().count());
        assertTrue(splits.description().contains("held out 5 of 20 images"), splits.description());
    }

    @Test
    void optionsRejectImpossibleValues() {
        DataOptions ok = DataOptions.defaults(1);
        assertThrows(IllegalArgumentException.class, () -> ok.withChannels(2));
        assertThrows(IllegalArgumentException.class, () -> ok.withImageSize(0, 4));
        assertThrows(IllegalArgumentException.class, () -> ok.withTestFraction(1.0));
        assertThrows(IllegalArgumentException.class, () -> ok.withInMemoryLimitBytes(-1));
        assertThrows(IllegalArgumentException.class, () -> ok.withSynthetic(0, 1, 32));
        assertEquals(Runtime.getRuntime().maxMemory() / 4, ok.inMemoryLimitBytes());
        assertEquals(0.1, ok.testFraction());
        assertEquals(ResizeMode.RESIZE, ok.resize());
        assertEquals(8192, ok.syntheticTrainImages());
        assertEquals(1024, ok.syntheticTestImages());
        assertEquals(32, ok.syntheticSize());
    }

    @Test
    void inMemoryImagesReadIndicesInOrder() {
        InMemoryImages images =
                new InMemoryImages(
                        new ImageBatch(3, 1, 1, 2, DataFixtures.bytes(1, 2, 3, 4, 5, 6)),
                        new int[] {7, 8, 9},
                        "three");

        assertArrayEquals(
                DataFixtures.bytes(5, 6, 1, 2, 5, 6), images.read(new int[] {2, 0, 2}).pixels());
        assertEquals(8, images.label(1));
        assertThrows(IndexOutOfBoundsException.class, () -> images.read(new int[] {3}));
        assertThrows(
                IllegalArgumentException.class,
                () -> new InMemoryImages(new ImageBatch(1, 1, 1, 1, new byte[1]), new int[2], "x"));
    }
}
