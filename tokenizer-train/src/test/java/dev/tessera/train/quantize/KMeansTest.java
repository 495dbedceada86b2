package dev.tessera.train.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;

class KMeansTest {

    private static final float[] TWO_PAIRS = {0, 0, 0, 1, 10, 10, 10, 11};

    /** Centres [k, dim] as rows sorted lexicographically, so that cluster order does not matter. */
    static float[][] sortedRows(float[] centres, int dim) {
        float[][] rows = new float[centres.length / dim][];
        for (int c = 0; c < rows.length; c++) {
            rows[c] = Arrays.copyOfRange(centres, c * dim, (c + 1) * dim);
        }
        Comparator<float[]> lexicographic = Arrays::compare;
        Arrays.sort(rows, lexicographic);
        return rows;
    }

    @Test
    void twoSeparatedPairsConvergeToTheirMidpointsForEverySeed() {
        KMeans kmeans = new KMeans(2, 5);
        for (long seed = 0; seed < 20; seed++) {
            float[][] centres = sortedRows(kmeans.fit(TWO_PAIRS, 2, seed), 2);
            assertArrayEquals(new float[] {0f, 0.5f}, centres[0], 1e-6f, "seed " + seed);
            assertArrayEquals(new float[] {10f, 10.5f}, centres[1], 1e-6f, "seed " + seed);
        }
    }

    @Test
    void oneDimensionalClustersConvergeToTheirMeans() {
        float[] points = {0, 2, 10, 12, 14};
        KMeans kmeans = new KMeans(2, 10);
        for (long seed = 0; seed < 20; seed++) {
            float[] centres = kmeans.fit(points, 1, seed);
            Arrays.sort(centres);
            assertArrayEquals(new float[] {1f, 12f}, centres, 1e-6f, "seed " + seed);
            // (0-1)² + (2-1)² + (10-12)² + 0 + (14-12)² = 10
            assertEquals(10.0, kmeans.inertia(points, 1, centres), 1e-9);
        }
    }

    @Test
    void inertiaIsTheSumOfSquaredDistancesToTheNearestCentre() {
        KMeans kmeans = new KMeans(2, 0);
        // Each point is 0.5 from its pair's midpoint: 4 · 0.25 = 1.
        assertEquals(1.0, kmeans.inertia(TWO_PAIRS, 2, new float[] {0, 0.5f, 10, 10.5f}), 1e-9);
        // Centres on two of the points: (0,1) and (10,11) are each 1 away.
        assertEquals(2.0, kmeans.inertia(TWO_PAIRS, 2, new float[] {10, 10, 0, 0}), 1e-9);
        // Single centre at the origin: 0 + 1 + 200 + 221.
        assertEquals(422.0, new KMeans(1, 0).inertia(TWO_PAIRS, 2, new float[] {0, 0}), 1e-9);
    }

    @Test
    void seedingNeverPicksADuplicateWhileDistinctPointsRemain() {
        // Five copies of the origin and two other points: k-means++ must pick the three distinct
        // ones.
        float[] points = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 100};
        KMeans kmeans = new KMeans(3, 0);
        for (long seed = 0; seed < 50; seed++) {
            float[][] centres = sortedRows(kmeans.fit(points, 2, seed), 2);
            assertArrayEquals(new float[] {0, 0}, centres[0], "seed " + seed);
            assertArrayEquals(new float[] {0, 100}, centres[1], "seed " + seed);
            assertArrayEquals(new float[] {1, 0}, centres[2], "seed " + seed);
        }
    }

    @Test
    void seededCentresAreInputPoints() {
        float[] points = {0, 2, 10, 12, 14};
        float[] centres = new KMeans(3, 0).fit(points, 1, 5L);
        for (float c : centres) {
            assertTrue(
                    c == 0 || c == 2 || c == 10 || c == 12 || c == 14,
                    "seeded centre " + c + " is not a point");
        }
        assertNotEquals(centres[0], centres[1]);
        assertNotEquals(centres[1], centres[2]);
        assertNotEquals(centres[0], centres[2]);
    }

    @Test
    void sameSeedGivesSameCentres() {
        float[] points = new float[200];
        for (int i = 0; i < points.length; i++) {
            points[i] = (float) Math.sin(i * 1.7) * 10;
        }
        KMeans kmeans = new KMeans(8, 3);
        assertArrayEquals(kmeans.fit(points, 2, 99L), kmeans.fit(points, 2, 99L));
    }

    @Test
    void fewerPointsThanClustersIsRefusedWithAMessage() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new KMeans(3, 5).fit(new float[] {0, 0, 1, 1}, 2, 1L));
        assertEquals("k-means needs at least k=3 points, got 2", e.getMessage());
    }

    @Test
    void pointsNotAMultipleOfTheDimensionAreRefused() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new KMeans(1, 5).fit(new float[] {0, 0, 1}, 2, 1L));
        assertTrue(e.getMessage().contains("not a multiple of dim 2"), e.getMessage());
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new KMeans(0, 5));
        assertThrows(IllegalArgumentException.class, () -> new KMeans(2, -1));
    }
}
