package dev.tessera.train.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.runtime.ImageBatch;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.List;

class ImageGridTest {

    @Test
    void scalesEachPixelToASquareAndKeepsTheGapsBlack() {
        ImageBatch top = new ImageBatch(1, 1, 2, 2, new byte[] {10, 20, 30, 40});
        ImageBatch bottom = new ImageBatch(1, 1, 2, 2, new byte[] {50, 60, 70, (byte) 200});

        BufferedImage canvas = new ImageGrid(2).render(List.of(top, bottom), 1);

        int[][] expected = {
            {0, 0, 0, 0, 0, 0, 0, 0},
            {0, 0, 0, 0, 0, 0, 0, 0},
            {0, 0, 10, 10, 20, 20, 0, 0},
            {0, 0, 10, 10, 20, 20, 0, 0},
            {0, 0, 30, 30, 40, 40, 0, 0},
            {0, 0, 30, 30, 40, 40, 0, 0},
            {0, 0, 0, 0, 0, 0, 0, 0},
            {0, 0, 0, 0, 0, 0, 0, 0},
            {0, 0, 50, 50, 60, 60, 0, 0},
            {0, 0, 50, 50, 60, 60, 0, 0},
            {0, 0, 70, 70, 200, 200, 0, 0},
            {0, 0, 70, 70, 200, 200, 0, 0},
            {0, 0, 0, 0, 0, 0, 0, 0},
            {0, 0, 0, 0, 0, 0, 0, 0},
        };
        assertEquals(expected[0].length, canvas.getWidth());
        assertEquals(expected.length, canvas.getHeight());
        for (int y = 0; y < expected.length; y++) {
            int[] row = new int[canvas.getWidth()];
            for (int x = 0; x < row.length; x++) {
                int rgb = canvas.getRGB(x, y) & 0xFFFFFF;
                // Grey pixels must come out with equal red, green and blue.
                assertEquals(rgb & 0xFF, (rgb >> 8) & 0xFF, "green at " + x + "," + y);
                assertEquals(rgb & 0xFF, rgb >> 16, "red at " + x + "," + y);
                row[x] = rgb & 0xFF;
            }
            assertArrayEquals(expected[y], row, "row " + y);
        }
    }

    @Test
    void scalesColourImagesChannelByChannel() {
        ImageBatch rgb = new ImageBatch(2, 3, 1, 1, new byte[] {1, 2, 3, (byte) 250, 5, 6});

        BufferedImage canvas = new ImageGrid(3).render(List.of(rgb), 2);

        // two 3×3 cells with a 2-pixel gap around and between them
        assertEquals(2 + 3 + 2 + 3 + 2, canvas.getWidth());
        assertEquals(2 + 3 + 2, canvas.getHeight());
        for (int y = 2; y < 5; y++) {
            for (int x = 2; x < 5; x++) {
                assertEquals(0x010203, canvas.getRGB(x, y) & 0xFFFFFF);
                assertEquals(0xFA0506, canvas.getRGB(x + 5, y) & 0xFFFFFF);
            }
        }
        assertEquals(0, canvas.getRGB(5, 2) & 0xFFFFFF);
        assertEquals(0, canvas.getRGB(2, 5) & 0xFFFFFF);
    }

    @Test
    void scaleForEnlargesSmallImagesTowardsAHundredAndTwentyEightPixels() {
        assertEquals(4, ImageGrid.scaleFor(28, 28));
        assertEquals(4, ImageGrid.scaleFor(32, 32));
        assertEquals(2, ImageGrid.scaleFor(64, 48));
        assertEquals(1, ImageGrid.scaleFor(128, 128));
        assertEquals(1, ImageGrid.scaleFor(512, 300));
        assertEquals(8, ImageGrid.scaleFor(4, 4));
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.scaleFor(0, 4));
    }

    @Test
    void rejectsShapesItCannotDraw() {
        ImageBatch twoChannels = new ImageBatch(1, 2, 1, 1, new byte[2]);
        ImageBatch small = new ImageBatch(1, 1, 1, 1, new byte[1]);
        ImageBatch other = new ImageBatch(1, 1, 2, 1, new byte[2]);
        ImageGrid grid = new ImageGrid(1);

        assertThrows(IllegalArgumentException.class, () -> grid.render(List.of(twoChannels), 1));
        assertThrows(IllegalArgumentException.class, () -> grid.render(List.of(small), 2));
        assertThrows(IllegalArgumentException.class, () -> grid.render(List.of(small, other), 1));
        assertThrows(IllegalArgumentException.class, () -> grid.render(List.of(), 1));
        assertThrows(IllegalArgumentException.class, () -> new ImageGrid(0));
    }
}
