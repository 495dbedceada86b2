package dev.tessera.train.data;

import static dev.tessera.train.data.DataFixtures.bytes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.runtime.ImageBatch;

import org.junit.jupiter.api.Test;

class ImageResizerTest {

    private static byte[] resize(
            byte[] pixels, int c, int h, int w, int th, int tw, ResizeMode mode) {
        return ImageResizer.resize(pixels, c, h, w, th, tw, mode);
    }

    @Test
    void bilinearUpscaleUsesHalfPixelCentres() {
        // Output x samples source 0.5x - 0.25: -0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
        assertArrayEquals(
                bytes(0, 25, 75, 100), resize(bytes(0, 100), 1, 1, 2, 1, 4, ResizeMode.RESIZE));
    }

    @Test
    void bilinearUpscaleInTwoDimensions() {
        byte[] out = resize(bytes(0, 100, 200, 40), 1, 2, 2, 4, 4, ResizeMode.RESIZE);
        // (1,1): rows 0/1 weighted .75/.25 of columns weighted .75/.25:
        // .75·(.75·0 + .25·100) + .25·(.75·200 + .25·40) = 18.75 + 40 = 58.75
        assertTrue(Byte.toUnsignedInt(out[5]) == 59, "got " + Byte.toUnsignedInt(out[5]));
        assertArrayEquals(bytes(0, 25, 75, 100), java.util.Arrays.copyOfRange(out, 0, 4));
        assertArrayEquals(bytes(200, 160, 80, 40), java.util.Arrays.copyOfRange(out, 12, 16));
    }

    @Test
    void shrinkingAveragesWholeBlocks() {
        byte[] image = bytes(10, 20, 1, 3, 30, 41, 5, 7, 0, 0, 100, 100, 0, 4, 100, 100);
        // Blocks: (10+20+30+41)/4 = 25.25, (1+3+5+7)/4 = 4, (0+0+0+4)/4 = 1, 100.
        assertArrayEquals(bytes(25, 4, 1, 100), resize(image, 1, 4, 4, 2, 2, ResizeMode.RESIZE));
    }

    @Test
    void shrinkingByAFractionWeighsPartlyCoveredPixels() {
        // Output 0 covers source [0, 1.5): (1·0 + .5·90) / 1.5 = 30.
        // Output 1 covers [1.5, 3): (.5·90 + 1·180) / 1.5 = 150.
        assertArrayEquals(
                bytes(30, 150), resize(bytes(0, 90, 180), 1, 1, 3, 1, 2, ResizeMode.RESIZE));
    }

    @Test
    void centerCropKeepsTheMiddleOfTheLongerSide() {
        byte[] wide = bytes(1, 2, 3, 4, 5, 6, 7, 8);
        assertArrayEquals(bytes(2, 3, 6, 7), resize(wide, 1, 2, 4, 2, 2, ResizeMode.CENTER_CROP));
        byte[] tall = bytes(1, 2, 3, 4, 5, 6, 7, 8);
        assertArrayEquals(bytes(3, 4, 5, 6), resize(tall, 1, 4, 2, 2, 2, ResizeMode.CENTER_CROP));
    }

    @Test
    void centerCropThenResizeEveryChannel() {
        // Two channels of 2x6; the centred 2x2 (columns 2, 3) is averaged to 1x1.
        byte[] image =
                bytes(
                        0, 0, 10, 20, 0, 0, //
                        0, 0, 30, 40, 0, 0, //
                        9, 9, 100, 100, 9, 9, //
                        9, 9, 200, 200, 9, 9);
        assertArrayEquals(bytes(25, 150), resize(image, 2, 2, 6, 1, 1, ResizeMode.CENTER_CROP));
        // Plain resize averages all columns: 100/12 = 8.33 and (8·9 + 600)/12 = 56.
        assertArrayEquals(bytes(8, 56), resize(image, 2, 2, 6, 1, 1, ResizeMode.RESIZE));
    }

    @Test
    void sameSizeIsACopy() {
        byte[] image = bytes(1, 2, 3, 4);
        byte[] out = resize(image, 1, 2, 2, 2, 2, ResizeMode.RESIZE);
        assertArrayEquals(image, out);
        assertTrue(out != image);
    }

    @Test
    void targetShapeConvertsChannelsAndSize() {
        TargetShape gray = new TargetShape(1, 1, 1, ResizeMode.RESIZE, false);
        ImageBatch rgb = new ImageBatch(1, 3, 1, 2, bytes(100, 100, 200, 200, 50, 50));
        assertArrayEquals(bytes(153), gray.conform(rgb, "x").pixels());

        TargetShape color = new TargetShape(3, 1, 4, ResizeMode.RESIZE, false);
        ImageBatch g = new ImageBatch(1, 1, 1, 2, bytes(0, 100));
        assertArrayEquals(
                bytes(0, 25, 75, 100, 0, 25, 75, 100, 0, 25, 75, 100),
                color.conform(g, "x").pixels());
    }

    @Test
    void nativeSizeTargetRefusesAnotherSize() {
        TargetShape target = new TargetShape(1, 2, 2, ResizeMode.RESIZE, true);
        ImageBatch other = new ImageBatch(1, 1, 3, 2, new byte[6]);

        DataException e = assertThrows(DataException.class, () -> target.conform(other, "f.png"));

        assertTrue(
                e.getMessage().startsWith("f.png is 3x2 pixels but the first image is 2x2"),
                e.getMessage());
    }
}
