package dev.tessera.train.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

class CodebookTest {

    @Test
    void squaredDistancesMatchHandValues() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray rows = manager.create(new float[] {1, 2, 0, 0}, new Shape(2, 2));
            NDArray codebook = manager.create(new float[] {0, 0, 1, 1, 3, -1}, new Shape(3, 2));
            NDArray d = Codebook.squaredDistances(rows, codebook);
            assertEquals(new Shape(2, 3), d.getShape());
            // (1,2): to (0,0) 1+4, to (1,1) 0+1, to (3,-1) 4+9; (0,0): 0, 2, 9+1.
            assertArrayEquals(new float[] {5, 1, 13, 0, 2, 10}, d.toFloatArray(), 1e-5f);
        }
    }

    @Test
    void squaredDistanceOfARowToItselfIsZeroNotNegative() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray rows =
                    manager.create(new float[] {0.1f, 0.7f, 123.456f, -9.87f}, new Shape(2, 2));
            float[] d = Codebook.squaredDistances(rows, rows).toFloatArray();
            for (float v : d) {
                assertTrue(v >= 0, "negative squared distance " + v);
            }
            assertEquals(0f, d[0], 1e-3f);
            assertEquals(0f, d[3], 1e-2f);
        }
    }

    @Test
    void nearestPicksTheClosestCodeAsInt32() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray rows = manager.create(new float[] {1, 2, 0, 0, 2.9f, -0.8f}, new Shape(3, 2));
            NDArray codebook = manager.create(new float[] {0, 0, 1, 1, 3, -1}, new Shape(3, 2));
            NDArray nearest = Codebook.nearest(rows, codebook);
            assertEquals(DataType.INT32, nearest.getDataType());
            assertArrayEquals(new int[] {1, 0, 2}, nearest.toIntArray());
        }
    }

    @Test
    void nearestBreaksTiesTowardsTheLowerIndex() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // (0,0) is 1 from both (1,0) and (-1,0); (0.5,0) is 0.25 from both (1,0) and (0,0).
            // The scores 2ẑ·μ − ‖μ‖² of tied codes are exactly equal in float, so the tie is real.
            NDArray rows = manager.create(new float[] {0, 0, 0.5f, 0}, new Shape(2, 2));
            NDArray symmetric = manager.create(new float[] {5, 5, 1, 0, -1, 0}, new Shape(3, 2));
            assertArrayEquals(new int[] {1, 1}, Codebook.nearest(rows, symmetric).toIntArray());
            NDArray reversed = manager.create(new float[] {5, 5, -1, 0, 1, 0}, new Shape(3, 2));
            assertArrayEquals(new int[] {1, 2}, Codebook.nearest(rows, reversed).toIntArray());
            NDArray halfway = manager.create(new float[] {1, 0, 0, 0}, new Shape(2, 2));
            assertArrayEquals(new int[] {1, 0}, Codebook.nearest(rows, halfway).toIntArray());
        }
    }

    @Test
    void flattenAndUnflattenPositionsUseRowMajorNhwOrder() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // ẑ [N=1, L=2, h=1, w=3]: channel 0 = 1,2,3; channel 1 = 10,20,30.
            NDArray zHat = manager.create(new float[] {1, 2, 3, 10, 20, 30}, new Shape(1, 2, 1, 3));
            NDArray rows = Codebook.flattenPositions(zHat);
            assertEquals(new Shape(3, 2), rows.getShape());
            assertArrayEquals(new float[] {1, 10, 2, 20, 3, 30}, rows.toFloatArray());
            NDArray back = Codebook.unflattenPositions(rows, 1, 1, 3);
            assertEquals(zHat.getShape(), back.getShape());
            assertArrayEquals(zHat.toFloatArray(), back.toFloatArray());
        }
    }
}
