package dev.tessera.train.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.train.data.DataFixtures;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@link ImageDataSet}: the trainer's readers and splits, with the API's own error type. */
class ImageDataSetTest {

    /** {@code count} 8×8 grey PNGs in {@code dir}, image i of uniform value 10·i. */
    static Path grayFolder(Path dir, int count) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < count; i++) {
            int[] values = new int[64];
            java.util.Arrays.fill(values, 10 * i);
            Path file = dir.resolve(String.format("img-%02d.png", i));
            DataFixtures.writeGray(file, 8, 8, values, "png");
        }
        return dir;
    }

    @Test
    void aFolderIsSplitAndBroughtToTheRequestedShape(@TempDir Path dir) throws IOException {
        ImageDataSet data =
                ImageDataSet.at(grayFolder(dir, 20).toString()).seed(7).shape(3, 16, 16).open();
        assertEquals(20, data.train().count() + data.test().count());
        assertEquals(2, data.test().count(), "10% held out");
        Images train = data.train();
        assertEquals(3, train.channels());
        assertEquals(16, train.height());
        ImageBatch batch = train.read(0, 2);
        assertEquals(2 * 3 * 16 * 16, batch.pixels().length);
        assertEquals(-1, train.label(0), "an unlabelled folder has no labels");
        assertTrue(data.description().contains(dir.toString()), data.description());
    }

    @Test
    void aMissingPathIsAnImageDataExceptionNamingIt(@TempDir Path dir) {
        Path missing = dir.resolve("nowhere");
        ImageDataException e =
                assertThrows(
                        ImageDataException.class,
                        () -> ImageDataSet.at(missing.toString()).open());
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void anUnreadableFileOfAStreamedFolderFailsWhenRead(@TempDir Path dir) throws IOException {
        Path folder = grayFolder(dir, 20);
        Files.writeString(folder.resolve("img-05.png"), "not a png");
        ImageDataSet data =
                ImageDataSet.at(folder.toString()).seed(7).shape(1, 8, 8).streamingFolders().open();
        ImageDataException e =
                assertThrows(
                        ImageDataException.class,
                        () -> {
                            data.train().read(0, data.train().count());
                            data.test().read(0, data.test().count());
                        });
        assertTrue(e.getMessage().contains("img-05.png"), e.getMessage());
    }

    @Test
    void syntheticShapesAreSeeded() {
        ImageBatch a = ImageDataSet.syntheticShapes(3, 5);
        assertEquals(32, a.height());
        assertEquals(1, a.channels());
        assertEquals(a, ImageDataSet.syntheticShapes(3, 5));
    }
}
