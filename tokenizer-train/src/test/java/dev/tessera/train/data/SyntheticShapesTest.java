package dev.tessera.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.runtime.ImageBatch;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

class SyntheticShapesTest {

    private static final int COUNT = 64;

    @Test
    void sameSeedGivesIdenticalImages() {
        ImageBatch a = new SyntheticShapes().generate(COUNT, 42L);
        ImageBatch b = new SyntheticShapes().generate(COUNT, 42L);
        assertArrayEquals(a.pixels(), b.pixels());
    }

    @Test
    void differentSeedsGiveDifferentImages() {
        ImageBatch a = new SyntheticShapes().generate(COUNT, 42L);
        ImageBatch b = new SyntheticShapes().generate(COUNT, 43L);
        assertFalse(Arrays.equals(a.pixels(), b.pixels()));
    }

    @Test
    void batchHasShapeCountByOneBy32By32() {
        ImageBatch batch = new SyntheticShapes().generate(5, 1L);
        assertArrayEquals(new long[] {5, 1, 32, 32}, batch.shape());
        assertEquals(5 * 32 * 32, batch.pixels().length);
    }

    @Test
    void customSizeIsHonoured() {
        ImageBatch batch = new SyntheticShapes(16).generate(3, 1L);
        assertArrayEquals(new long[] {3, 1, 16, 16}, batch.shape());
    }

    @Test
    void everyImageHasDarkBackgroundAndAtLeastOneBrightShapePixel() {
        ImageBatch batch = new SyntheticShapes().generate(COUNT, 7L);
        for (int n = 0; n < COUNT; n++) {
            int min = 255;
            int max = 0;
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    int v = batch.pixel(n, 0, y, x);
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
            assertTrue(min <= 40, "image " + n + " has no background pixel; darkest is " + min);
            assertTrue(max >= 90, "image " + n + " has no shape pixel; brightest is " + max);
        }
    }

    @Test
    void pixelsAreEitherBackgroundOrShapeNeverInBetween() {
        // Background levels are drawn from [0, 40), shape intensities from [90, 255): after
        // rounding
        // nothing lies in 41..89.
        ImageBatch batch = new SyntheticShapes().generate(COUNT, 11L);
        for (byte p : batch.pixels()) {
            int v = p & 0xff;
            assertTrue(v <= 40 || v >= 90, "pixel level " + v + " is neither background nor shape");
        }
    }

    @Test
    void valuesSpanARealRangeAndImagesDiffer() {
        ImageBatch batch = new SyntheticShapes().generate(COUNT, 3L);
        Set<Integer> levels = new HashSet<>();
        int darkest = 255;
        int brightest = 0;
        for (byte p : batch.pixels()) {
            int v = p & 0xff;
            levels.add(v);
            darkest = Math.min(darkest, v);
            brightest = Math.max(brightest, v);
        }
        assertTrue(darkest < 40, "darkest " + darkest);
        assertTrue(brightest > 200, "brightest " + brightest);
        assertTrue(levels.size() > 20, "only " + levels.size() + " distinct levels");
        Set<ImageBatch> distinct = new HashSet<>();
        for (int n = 0; n < COUNT; n++) {
            distinct.add(batch.image(n));
        }
        assertEquals(COUNT, distinct.size(), "some generated images are identical");
    }

    @Test
    void rgbImagesHaveColouredShapesOnADarkBackground() {
        ImageBatch batch = new SyntheticShapes(16, 3).generate(COUNT, 5L);
        assertArrayEquals(new long[] {COUNT, 3, 16, 16}, batch.shape());
        assertArrayEquals(batch.pixels(), new SyntheticShapes(16, 3).generate(COUNT, 5L).pixels());
        int coloured = 0;
        for (int n = 0; n < COUNT; n++) {
            int brightest = 0;
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    int r = batch.pixel(n, 0, y, x);
                    int g = batch.pixel(n, 1, y, x);
                    int b = batch.pixel(n, 2, y, x);
                    brightest = Math.max(brightest, Math.max(r, Math.max(g, b)));
                    if (Math.abs(r - g) > 30 || Math.abs(g - b) > 30) {
                        coloured++;
                    }
                }
            }
            assertTrue(brightest >= 90, "image " + n + " has no shape; brightest " + brightest);
        }
        // Far from gray copies: most images hold pixels whose channels differ clearly.
        assertTrue(coloured > COUNT * 16, "only " + coloured + " coloured pixels");
    }

    @Test
    void nonPositiveCountAndTinySizeAreRefused() {
        IllegalArgumentException count =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new SyntheticShapes().generate(0, 1L));
        assertTrue(count.getMessage().contains("0"), count.getMessage());
        IllegalArgumentException size =
                assertThrows(IllegalArgumentException.class, () -> new SyntheticShapes(7));
        assertTrue(size.getMessage().contains("7"), size.getMessage());
    }
}
