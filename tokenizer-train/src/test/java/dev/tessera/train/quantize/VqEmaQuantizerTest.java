package dev.tessera.train.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import dev.tessera.train.model.FloatTensor;
import dev.tessera.train.model.ParameterSet;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.SplittableRandom;

class VqEmaQuantizerTest {

    private static VqEmaQuantizer quantizer(int k, double decay, double eps, double threshold) {
        return new VqEmaQuantizer(new VqEmaConfig(k, 2, 0.25, decay, eps, threshold));
    }

    /** EMA state as buffers, with the codebook those counts and sums give. */
    private static ParameterSet state(
            NDManager manager, VqEmaQuantizer q, float[] counts, float[] sums) {
        int k = counts.length;
        ParameterSet params = new ParameterSet(manager);
        params.putBuffer(
                VqEmaQuantizer.CODEBOOK,
                new FloatTensor(new long[] {k, 2}, q.codebook(counts, sums)));
        params.putBuffer(VqEmaQuantizer.EMA_COUNT, new FloatTensor(new long[] {k}, counts));
        params.putBuffer(VqEmaQuantizer.EMA_SUM, new FloatTensor(new long[] {k, 2}, sums));
        return params;
    }

    @Test
    void initialisationPutsKMeansCentresInTheCodebookAndThePriorInTheCounts() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VqEmaQuantizer q = quantizer(2, 0.99, 1e-5, 0.5);
            ParameterSet params = new ParameterSet(manager);
            // Two clusters of three: centres (0,1) and (10,11). M/K = 3 > threshold 0.5.
            float[] rows = {0, 0, 0, 1, 0, 2, 10, 10, 10, 11, 10, 12};
            q.initParameters(params, rows, 5L);

            float[] mu = q.codebook(params).toFloatArray();
            int low = mu[0] < mu[2] ? 0 : 1;
            int high = 1 - low;
            assertArrayEquals(
                    new float[] {0, 1}, new float[] {mu[2 * low], mu[2 * low + 1]}, 1e-6f);
            assertArrayEquals(
                    new float[] {10, 11}, new float[] {mu[2 * high], mu[2 * high + 1]}, 1e-6f);
            assertArrayEquals(
                    new float[] {3, 3}, params.get(VqEmaQuantizer.EMA_COUNT).toFloatArray());
            float[] sums = params.get(VqEmaQuantizer.EMA_SUM).toFloatArray();
            assertArrayEquals(
                    new float[] {0, 3}, new float[] {sums[2 * low], sums[2 * low + 1]}, 1e-5f);
            assertArrayEquals(
                    new float[] {30, 33}, new float[] {sums[2 * high], sums[2 * high + 1]}, 1e-5f);
            // Nothing is trained by gradient.
            assertEquals(
                    Set.of(
                            VqEmaQuantizer.CODEBOOK,
                            VqEmaQuantizer.EMA_COUNT,
                            VqEmaQuantizer.EMA_SUM),
                    params.bufferNames());
            assertEquals(0, params.count());
        }
    }

    @Test
    void priorCountIsAtLeastTheDeadThreshold() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VqEmaQuantizer q = quantizer(2, 0.99, 1e-5, 5.0);
            ParameterSet params = new ParameterSet(manager);
            // M/K = 2 < threshold 5: counts start at 5, not in the dead zone.
            q.initParameters(params, new float[] {0, 0, 0, 1, 10, 10, 10, 11}, 5L);
            assertArrayEquals(
                    new float[] {5, 5}, params.get(VqEmaQuantizer.EMA_COUNT).toFloatArray());
        }
    }

    @Test
    void codebookIsSumsOverLaplaceSmoothedCounts() {
        VqEmaQuantizer q = quantizer(2, 0.99, 0.5, 2.0);
        // n = 4; N'_0 = (1 + ½)/(4 + 1)·4 = 1.2, N'_1 = (3 + ½)/5·4 = 2.8.
        float[] mu = q.codebook(new float[] {1, 3}, new float[] {2, 2, 6, 0});
        assertArrayEquals(new float[] {2 / 1.2f, 2 / 1.2f, 6 / 2.8f, 0}, mu, 1e-6f);
    }

    @Test
    void afterStepUpdatesTheMovingAveragesAndTheSmoothedCodebook() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VqEmaQuantizer q = quantizer(2, 0.75, 0.1, 0.0);
            ParameterSet params = state(manager, q, new float[] {4, 2}, new float[] {4, 8, 6, 2});
            NDArray codebookArray = params.get(VqEmaQuantizer.CODEBOOK);
            // Rows (1,1), (3,3) → code 0; (5,1) → code 1.
            float[] rows = {1, 1, 3, 3, 5, 1};
            q.afterStep(params, rows, new int[] {0, 0, 1}, new SplittableRandom(1));

            // λ = ¾: N = ¾·(4, 2) + ¼·(2, 1) = (3.5, 1.75); m_0 = ¾(4,8) + ¼(4,4) = (4,7);
            // m_1 = ¾(6,2) + ¼(5,1) = (5.75, 1.75).
            assertArrayEquals(
                    new float[] {3.5f, 1.75f}, params.get(VqEmaQuantizer.EMA_COUNT).toFloatArray());
            assertArrayEquals(
                    new float[] {4, 7, 5.75f, 1.75f},
                    params.get(VqEmaQuantizer.EMA_SUM).toFloatArray(),
                    1e-6f);
            // n = 5.25: N'_0 = 3.6/5.45·5.25 = 3.4678899, N'_1 = 1.85/5.45·5.25 = 1.7821101.
            assertArrayEquals(
                    new float[] {1.1534392f, 2.0185185f, 3.2265122f, 0.9819820f},
                    q.codebook(params).toFloatArray(),
                    1e-5f);
            // Updated in place: the array the trainer holds sees the new values.
            assertArrayEquals(q.codebook(params).toFloatArray(), codebookArray.toFloatArray(), 0f);
            assertEquals(0, q.resets());
        }
    }

    @Test
    void deadCodeIsMovedOntoABatchRowWithTheRestartCount() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VqEmaQuantizer q = quantizer(3, 0.75, 0.1, 1.2);
            ParameterSet params =
                    state(manager, q, new float[] {4, 2, 1.5f}, new float[] {4, 8, 6, 2, 3, 3});
            float[] rows = {1, 1, 3, 3, 5, 1, 7, 7};
            q.afterStep(params, rows, new int[] {0, 0, 1, 1}, new SplittableRandom(11));

            // Code 2 got no rows: its count ¾·1.5 = 1.125 is below 1.2, so it restarts with
            // max(2·1.2, 4/3) = 2.4 on one of the batch rows. Codes 0 and 1 keep
            // N = ¾·(4, 2) + ¼·(2, 2) = (3.5, 2), m_0 = ¾(4,8) + ¼(4,4) = (4,7),
            // m_1 = ¾(6,2) + ¼(12,8) = (7.5,3.5).
            float[] counts = params.get(VqEmaQuantizer.EMA_COUNT).toFloatArray();
            assertArrayEquals(new float[] {3.5f, 2, 2.4f}, counts, 1e-6f);
            float[] sums = params.get(VqEmaQuantizer.EMA_SUM).toFloatArray();
            assertArrayEquals(
                    new float[] {4, 7, 7.5f, 3.5f},
                    new float[] {sums[0], sums[1], sums[2], sums[3]},
                    1e-6f);
            int row = -1;
            for (int m = 0; m < 4; m++) {
                if (sums[4] == 2.4f * rows[2 * m] && sums[5] == 2.4f * rows[2 * m + 1]) {
                    row = m;
                }
            }
            assertTrue(
                    row >= 0,
                    "code 2 was not moved onto a batch row: sum " + sums[4] + "," + sums[5]);
            assertEquals(1, q.resets());

            // n = 7.9: N'_0 = 3.6/8.2·7.9 = 3.4682927, N'_1 = 2.1/8.2·7.9 = 2.0231707,
            // N'_2 = 2.5/8.2·7.9 = 2.4085366 (the reset code sits just off its row).
            float shrink = 2.4f / 2.4085366f;
            assertArrayEquals(
                    new float[] {
                        1.1533052f,
                        2.0182841f,
                        3.7070524f,
                        1.7299578f,
                        rows[2 * row] * shrink,
                        rows[2 * row + 1] * shrink
                    },
                    q.codebook(params).toFloatArray(),
                    1e-5f);
            assertEquals("1", q.describe(params).get("dead_code_resets"));

            // The same random stream picks the same row.
            VqEmaQuantizer again = quantizer(3, 0.75, 0.1, 1.2);
            ParameterSet other =
                    state(manager, again, new float[] {4, 2, 1.5f}, new float[] {4, 8, 6, 2, 3, 3});
            again.afterStep(other, rows, new int[] {0, 0, 1, 1}, new SplittableRandom(11));
            assertArrayEquals(sums, other.get(VqEmaQuantizer.EMA_SUM).toFloatArray());
        }
    }

    @Test
    void liveCodesAreNotReset() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VqEmaQuantizer q = quantizer(2, 0.75, 0.1, 1.5);
            ParameterSet params = state(manager, q, new float[] {4, 2}, new float[] {4, 8, 6, 2});
            // Code 1 gets no rows but keeps ¾·2 = 1.5, not below the threshold 1.5.
            q.afterStep(
                    params, new float[] {1, 1, 3, 3}, new int[] {0, 0}, new SplittableRandom(1));
            assertArrayEquals(
                    new float[] {3.5f, 1.5f}, params.get(VqEmaQuantizer.EMA_COUNT).toFloatArray());
            assertArrayEquals(
                    new float[] {4, 7, 4.5f, 1.5f},
                    params.get(VqEmaQuantizer.EMA_SUM).toFloatArray(),
                    1e-6f);
            assertEquals(0, q.resets());
        }
    }

    @Test
    void trainStepAddsOnlyTheWeightedCommitmentAndLeavesTheCodebookWithoutGradient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VqEmaQuantizer q = quantizer(2, 0.99, 1e-5, 2.0);
            ParameterSet params = new ParameterSet(manager);
            params.putBuffer(
                    VqEmaQuantizer.CODEBOOK,
                    new FloatTensor(new long[] {2, 2}, new float[] {0, 0, 4, 0}));
            // Positions (1,0) → code 0 and (3,1) → code 1; ẑ − q = (1,0), (−1,1): mean 3/4.
            NDArray zHat = manager.create(new float[] {1, 3, 0, 1}, new Shape(1, 2, 1, 2));
            zHat.setRequiresGradient(true);
            QuantizerStep step;
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                step = q.trainStep(params, zHat, 0);
                collector.backward(step.loss());
            }
            assertEquals(0.75f, step.terms().get("commitment").getFloat(), 1e-6f);
            assertEquals(0.25f * 0.75f, step.loss().getFloat(), 1e-6f);
            assertArrayEquals(
                    new int[] {0, 1}, step.tokens().toType(DataType.INT32, false).toIntArray());
            assertArrayEquals(new float[] {0, 4, 0, 0}, step.codes().toFloatArray(), 1e-6f);
            // 0.25 · 2(ẑ − q)/4 = (ẑ − q)/8.
            assertArrayEquals(
                    new float[] {1 / 8f, -1 / 8f, 0, 1 / 8f},
                    zHat.getGradient().toFloatArray(),
                    1e-6f);
            assertFalse(params.trainable(VqEmaQuantizer.CODEBOOK));
            assertTrue(q.updatesAfterStep());
        }
    }

    @Test
    void configRefusesBadDecayAndEpsilon() {
        assertThrows(
                IllegalArgumentException.class, () -> new VqEmaConfig(4, 2, 0.25, 1.0, 1e-5, 2));
        assertThrows(IllegalArgumentException.class, () -> new VqEmaConfig(4, 2, 0.25, 0.99, 0, 2));
        assertThrows(
                IllegalArgumentException.class, () -> new VqEmaConfig(4, 2, 0.25, 0.99, 1e-5, -1));
    }
}
