package dev.tessera.train.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.runtime.ImageBatch;

import org.junit.jupiter.api.Test;

class PrincipalSubspaceTest {

    /** Images 1×1×4 that vary only along (1, 1, 0, 0): one component carries all the variance. */
    @Test
    void findsTheOnlyDirectionOfVariation() {
        byte[] px = {
            0,
            0,
            7,
            7, //
            (byte) 255,
            (byte) 255,
            7,
            7,
            (byte) 51,
            (byte) 51,
            7,
            7,
        };
        ImageBatch images = new ImageBatch(3, 1, 1, 4, px);
        PrincipalSubspace pca = new PrincipalSubspace.Builder(4).add(images).fit(2);
        assertEquals(2, pca.components());
        assertEquals(1.0, pca.explainedVariance(), 1e-12);
        double[][] coords = pca.project(images);
        // Coordinates along the unit vector (1,1,0,0)/√2, relative to the mean level 102/255.
        double sign = Math.signum(coords[1][0]);
        for (int n = 0; n < 3; n++) {
            double level = (px[4 * n] & 0xff) / 255.0 - 102 / 255.0;
            assertEquals(level * Math.sqrt(2), sign * coords[n][0], 1e-9);
            assertEquals(0, coords[n][1], 1e-9);
        }
    }

    @Test
    void keepsAtMostAsManyComponentsAsPixels() {
        ImageBatch images = new ImageBatch(2, 1, 1, 2, new byte[] {0, 10, 20, 0});
        PrincipalSubspace pca = new PrincipalSubspace.Builder(2).add(images).fit(64);
        assertEquals(2, pca.components());
    }
}
