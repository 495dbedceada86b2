package dev.tessera.train.data;

import static dev.tessera.train.data.DataFixtures.bytes;
import static dev.tessera.train.data.DataFixtures.writeGray;
import static dev.tessera.train.data.DataFixtures.writeRgb;
import static dev.tessera.train.data.DataFixtures.writeUniformGray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.runtime.ImageBatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

class ImageFolderTest {

    @TempDir Path dir;

    /** Ten 2x2 gray PNGs of value 10·i, in class folders "a" (i < 4) and "b" (i ≥ 4). */
    private Path classFolder() throws IOException {
        Path root = dir.resolve("shapes");
        for (int i = 0; i < 10; i++) {
            writeUniformGray(
                    root.resolve(i < 4 ? "a" : "b").resolve("img" + i + ".png"), 2, 10 * i);
        }
        return root;
    }

    private static ImageSource all(Path root, DataOptions options) throws IOException {
        FolderListing listing = FolderListing.scan(root, null);
        return ImageFolder.open(listing, TargetShape.of(options), options);
    }

    @Test
    void classSubfoldersGiveLabelsAndExactPixels() throws IOException {
        ImageSource source = all(classFolder(), DataOptions.defaults(1));

        assertEquals(10, source.count());
        assertEquals(1, source.channels());
        assertEquals(2, source.height());
        for (int i = 0; i < 10; i++) {
            assertEquals(i < 4 ? 0 : 1, source.label(i));
            assertArrayEquals(
                    bytes(10 * i, 10 * i, 10 * i, 10 * i), source.read(i, i + 1).pixels());
        }
        assertTrue(
                source.describe().contains("10 images in 2 classes 1x2x2, in memory"),
                source.describe());
    }

    @Test
    void grayFirstImageMakesEveryImageGrayWithBt601Luma() throws IOException {
        Path root = dir.resolve("mixed");
        writeGray(root.resolve("0.png"), 1, 1, new int[] {7}, "png");
        writeRgb(root.resolve("1.png"), 1, 1, new int[] {0x64C832}, "png"); // (100, 200, 50)

        ImageSource source = all(root, DataOptions.defaults(1));

        assertEquals(1, source.channels());
        // 0.299·100 + 0.587·200 + 0.114·50 = 153.0
        assertArrayEquals(bytes(7, 153), source.read(0, 2).pixels());
    }

    @Test
    void rgbFirstImageMakesEveryImageRgbByReplicatingGray() throws IOException {
        Path root = dir.resolve("mixed");
        writeRgb(root.resolve("0.png"), 2, 1, new int[] {0x010203, 0x0A0B0C}, "png");
        writeGray(root.resolve("1.png"), 2, 1, new int[] {9, 250}, "png");

        ImageSource source = all(root, DataOptions.defaults(1));

        assertEquals(3, source.channels());
        assertArrayEquals(bytes(1, 10, 2, 11, 3, 12), source.read(0, 1).pixels());
        assertArrayEquals(bytes(9, 250, 9, 250, 9, 250), source.read(1, 2).pixels());
    }

    @Test
    void jpegImagesDecodeCloseToTheirColour() throws IOException {
        Path root = dir.resolve("jpeg");
        int[] orange = new int[64];
        Arrays.fill(orange, 0xF08020);
        writeRgb(root.resolve("rgb.jpg"), 8, 8, orange, "jpg");
        int[] gray = new int[64];
        Arrays.fill(gray, 90);
        writeGray(root.resolve("z-gray.jpeg"), 8, 8, gray, "jpg");

        ImageSource source = all(root, DataOptions.defaults(1));

        assertEquals(3, source.channels());
        ImageBatch batch = source.read(0, 2);
        int[] expected = {0xF0, 0x80, 0x20};
        for (int c = 0; c < 3; c++) {
            assertEquals(expected[c], batch.pixel(0, c, 4, 4), 4.0, "channel " + c);
            assertEquals(90, batch.pixel(1, c, 4, 4), 4.0, "gray replicated in channel " + c);
        }
    }

    @Test
    void trainAndTestSubfoldersAreTheSplitWithSharedClassNumbers() throws IOException {
        writeUniformGray(dir.resolve("train/cat/1.png"), 2, 10);
        writeUniformGray(dir.resolve("train/dog/2.png"), 2, 20);
        writeUniformGray(dir.resolve("train/dog/3.png"), 2, 30);
        writeUniformGray(dir.resolve("test/ant/4.png"), 2, 40);
        writeUniformGray(dir.resolve("test/dog/5.png"), 2, 50);

        DataSplits splits = Datasets.open(dir.toString(), DataOptions.defaults(1));

        assertEquals(3, splits.train().count());
        assertEquals(2, splits.test().count());
        // Classes across both parts: ant 0, cat 1, dog 2.
        assertArrayEquals(new int[] {1, 2, 2}, labels(splits.train()));
        assertArrayEquals(new int[] {0, 2}, labels(splits.test()));
        assertEquals(50, splits.test().read(1, 2).pixel(0, 0, 0, 0));
    }

    private static int[] labels(ImageSource source) {
        int[] out = new int[source.count()];
        for (int i = 0; i < out.length; i++) {
            out[i] = source.label(i);
        }
        return out;
    }

    @Test
    void imagesOfDifferentSizesNeedAnImageSize() throws IOException {
        Path root = dir.resolve("sizes");
        writeUniformGray(root.resolve("a.png"), 2, 1);
        Path odd = writeUniformGray(root.resolve("b.png"), 3, 1);

        DataException e =
                assertThrows(DataException.class, () -> all(root, DataOptions.defaults(1)));
        assertTrue(e.getMessage().contains(odd + " is 3x3 pixels"), e.getMessage());
        assertTrue(e.getMessage().contains("--image-size"), e.getMessage());

        ImageSource resized = all(root, DataOptions.defaults(1).withImageSize(4, 4));
        assertArrayEquals(new long[] {2, 1, 4, 4}, resized.read(0, 2).shape());
    }

    @Test
    void streamingGivesTheSameImagesAndLabelsAsInMemory() throws IOException {
        Path root = classFolder();
        writeRgb(
                root.resolve("b/rgb.png"),
                3,
                2,
                new int[] {0x102030, 0x405060, 0x708090, 0xA0B0C0, 0xD0E0F0, 0xFFFFFF},
                "png");
        DataOptions options = DataOptions.defaults(1).withImageSize(3, 3).withChannels(3);

        ImageSource memory = all(root, options);
        ImageSource streaming = all(root, options.withInMemoryLimitBytes(0));

        assertTrue(streaming instanceof StreamingImageFolder, streaming.describe());
        assertTrue(streaming.describe().contains("streamed from disk"), streaming.describe());
        assertEquals(memory.count(), streaming.count());
        assertEquals(memory.read(0, memory.count()), streaming.read(0, streaming.count()));
        assertEquals(memory.read(new int[] {7, 2, 7}), streaming.read(new int[] {7, 2, 7}));
        assertArrayEquals(labels(memory), labels(streaming));
    }

    @Test
    void corruptPngIsReportedWithItsPathInMemoryAndStreaming() throws IOException {
        Path root = classFolder();
        Path bad = corrupt(root.resolve("b/img6.png"));

        for (long limit : new long[] {Long.MAX_VALUE, 0}) {
            DataOptions options = DataOptions.defaults(1).withInMemoryLimitBytes(limit);
            DataException e =
                    assertThrows(DataException.class, () -> all(root, options).read(0, 10));
            assertTrue(e.getMessage().contains("cannot read image " + bad), e.getMessage());
        }
    }

    /** Keeps the PNG signature and header but cuts the image data short. */
    private static Path corrupt(Path png) throws IOException {
        byte[] content = Files.readAllBytes(png);
        Files.write(png, Arrays.copyOf(content, 45));
        return png;
    }

    @Test
    void skippedFileIsDroppedAtLoadInMemory() throws IOException {
        Path root = classFolder();
        corrupt(root.resolve("b/img6.png"));

        ImageSource source = all(root, DataOptions.defaults(1).withSkipBadFiles(true));

        assertEquals(1, source.skipped());
        assertEquals(9, source.count());
        assertEquals(70, source.read(6, 7).pixel(0, 0, 0, 0));
        assertEquals(1, source.label(6));
    }

    @Test
    void skippedFileIsReplacedByTheNextReadableOneWhenStreaming() throws IOException {
        Path root = classFolder();
        corrupt(root.resolve("a/img3.png"));
        DataOptions options =
                DataOptions.defaults(1).withSkipBadFiles(true).withInMemoryLimitBytes(0);

        ImageSource source = all(root, options);

        assertEquals(10, source.count());
        assertEquals(0, source.label(3), "before reading, the file's own label");
        ImageBatch batch = source.read(new int[] {3, 9, 3});
        assertArrayEquals(bytes(40, 40, 40, 40, 90, 90, 90, 90, 40, 40, 40, 40), batch.pixels());
        assertEquals(1, source.skipped());
        assertEquals(1, source.label(3), "after reading, the label of the replacing image");
        assertEquals(batch, source.read(new int[] {3, 9, 3}));
        assertEquals(1, source.skipped());
    }

    @Test
    void firstImageUnreadableIsSkippedWhenProbingTheShape() throws IOException {
        Path root = classFolder();
        DataFixtures.write(root.resolve("a/img0.png"), false, bytes(1, 2, 3));

        ImageSource source =
                all(root, DataOptions.defaults(1).withSkipBadFiles(true).withInMemoryLimitBytes(0));

        assertEquals(1, source.skipped());
        assertEquals(10, source.read(0, 1).pixel(0, 0, 0, 0));
    }

    @Test
    void imagesBesideClassFoldersAreRejected() throws IOException {
        Path root = classFolder();
        writeUniformGray(root.resolve("stray.png"), 2, 1);

        DataException e =
                assertThrows(DataException.class, () -> all(root, DataOptions.defaults(1)));

        assertTrue(e.getMessage().contains(root + " holds both images (stray.png"), e.getMessage());
    }
}
