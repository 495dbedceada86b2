package dev.tessera.train.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

import java.util.SplittableRandom;

class FsqQuantizerTest {

    private static final int[] LEVELS = {8, 5, 3};
    private static final int N = 2;
    private static final int H = 3;
    private static final int W = 4;

    /**
     * ẑ [N, L, h, w] from a seeded Gaussian, kept at least 1e-3 level steps from every rounding tie
     * so that float and double arithmetic agree on the level.
     */
    private static float[] zHatValues() {
        SplittableRandom random = new SplittableRandom(23L);
        float[] values = new float[N * LEVELS.length * H * W];
        for (int i = 0; i < values.length; i++) {
            int d = (i / (H * W)) % LEVELS.length;
            float v;
            double frac;
            do {
                v = (float) (2 * random.nextGaussian());
                double j = (Math.tanh(v) + 1) * (LEVELS[d] - 1) / 2;
                frac = j - Math.floor(j);
            } while (Math.abs(frac - 0.5) < 1e-3);
            values[i] = v;
        }
        return values;
    }

    /** Level index of element {@code i} of ẑ [N, L, h, w], by per-dimension rounding. */
    private static int level(float[] zHat, int i) {
        int d = (i / (H * W)) % LEVELS.length;
        return (int) Math.round((Math.tanh(zHat[i]) + 1) * (LEVELS[d] - 1) / 2);
    }

    @Test
    void gridListsPointsWithTheLastDimensionFastest() {
        FloatTensor grid = FsqQuantizer.grid(new int[] {3, 2});
        assertArrayEquals(new long[] {6, 2}, grid.shape());
        assertArrayEquals(new float[] {-1, -1, -1, 1, 0, -1, 0, 1, 1, -1, 1, 1}, grid.data(), 0f);
    }

    @Test
    void gridOfFourLevelsIsEvenlySpacedInMinusOneToOne() {
        FloatTensor grid = FsqQuantizer.grid(new int[] {4});
        assertArrayEquals(new float[] {-1, -1 / 3f, 1 / 3f, 1}, grid.data(), 1e-7f);
    }

    @Test
    void tokensAreThePerDimensionRoundingOfTanh() {
        try (NDManager manager = NDManager.newBaseManager()) {
            FsqQuantizer q = new FsqQuantizer(new FsqConfig(LEVELS));
            ParameterSet params = new ParameterSet(manager);
            q.initParameters(params, new float[0], 0L);
            float[] values = zHatValues();
            NDArray zHat = manager.create(values, new Shape(N, LEVELS.length, H, W));

            int[] expected = new int[N * H * W];
            for (int n = 0; n < N; n++) {
                for (int p = 0; p < H * W; p++) {
                    int id = 0;
                    for (int d = 0; d < LEVELS.length; d++) {
                        id = id * LEVELS[d] + level(values, (n * LEVELS.length + d) * H * W + p);
                    }
                    expected[n * H * W + p] = id;
                }
            }
            int[] tokens = q.tokens(params, zHat).toIntArray();
            assertArrayEquals(expected, tokens);
            int[] stepTokens =
                    q.trainStep(params, zHat, 0)
                            .tokens()
                            .toType(DataType.INT32, false)
                            .toIntArray();
            assertArrayEquals(expected, stepTokens);
            // Not all the same: the inputs spread over the grid.
            assertNotEquals(expected[0], expected[1]);
        }
    }

    @Test
    void trainStepForwardValueIsTheRoundedLevelAndItsCodeOfTheToken() {
        try (NDManager manager = NDManager.newBaseManager()) {
            FsqQuantizer q = new FsqQuantizer(new FsqConfig(LEVELS));
            ParameterSet params = new ParameterSet(manager);
            q.initParameters(params, new float[0], 0L);
            float[] values = zHatValues();
            NDArray zHat = manager.create(values, new Shape(N, LEVELS.length, H, W));
            QuantizerStep step = q.trainStep(params, zHat, 0.5);

            float[] codes = step.codes().toFloatArray();
            float[] expected = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                int d = (i / (H * W)) % LEVELS.length;
                expected[i] = 2f * level(values, i) / (LEVELS[d] - 1) - 1;
            }
            assertArrayEquals(expected, codes, 1e-6f);
            // The forward value is the grid point of the token.
            NDArray looked =
                    q.lookup(params, step.tokens().reshape(N, H, W).toType(DataType.INT32, false));
            assertArrayEquals(looked.toFloatArray(), codes, 1e-6f);
            assertEquals(0f, step.loss().getFloat());
            assertTrue(step.terms().isEmpty());
        }
    }

    @Test
    void gradientPassesStraightThroughTheRoundingToTanh() {
        try (NDManager manager = NDManager.newBaseManager()) {
            FsqQuantizer q = new FsqQuantizer(new FsqConfig(new int[] {5, 4}));
            ParameterSet params = new ParameterSet(manager);
            q.initParameters(params, new float[0], 0L);
            float[] values = {0.3f, -1.2f, 2.0f, 0.05f};
            NDArray zHat = manager.create(values, new Shape(1, 2, 1, 2));
            zHat.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                collector.backward(q.trainStep(params, zHat, 0).codes().sum());
            }
            float[] expected = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                double t = Math.tanh(values[i]);
                expected[i] = (float) (1 - t * t);
            }
            assertArrayEquals(expected, zHat.getGradient().toFloatArray(), 1e-5f);
        }
    }

    @Test
    void theGridIsABufferAndNeedsNoEncoderOutputs() {
        try (NDManager manager = NDManager.newBaseManager()) {
            FsqQuantizer q = new FsqQuantizer(new FsqConfig(new int[] {3, 2}));
            ParameterSet params = new ParameterSet(manager);
            q.initParameters(params, new float[0], 0L);
            assertFalse(params.trainable(FsqQuantizer.CODEBOOK));
            assertEquals(0, params.count());
            assertFalse(q.initFromEncoderOutputs());
            assertTrue(q.tanhBounded());
            assertEquals(6, q.codebookSize());
            assertEquals(2, q.codeDim());
        }
    }

    @Test
    void levelsForCommonCodebookSizes() {
        assertArrayEquals(new int[] {8, 8, 8}, FsqLevels.forCodebookSize(512));
        assertArrayEquals(new int[] {8, 8, 4}, FsqLevels.forCodebookSize(256));
        assertArrayEquals(new int[] {8, 5, 5, 5}, FsqLevels.forCodebookSize(1000));
        assertArrayEquals(new int[] {5, 5, 4}, FsqLevels.forCodebookSize(100));
        assertArrayEquals(new int[] {8, 8}, FsqLevels.forCodebookSize(64));
        assertArrayEquals(new int[] {6}, FsqLevels.forCodebookSize(6));
        assertArrayEquals(new int[] {8, 8, 8}, FsqConfig.forCodebookSize(512).levels());
    }

    @Test
    void codebookSizeWithAPrimeFactorAboveEightIsRefused() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> FsqLevels.forCodebookSize(11));
        assertTrue(e.getMessage().contains("prime factor above 8"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FsqLevels.forCodebookSize(2 * 13));
        assertThrows(IllegalArgumentException.class, () -> FsqLevels.forCodebookSize(1));
    }

    @Test
    void configValidatesAndCopiesItsLevels() {
        assertThrows(IllegalArgumentException.class, () -> new FsqConfig(new int[0]));
        assertThrows(IllegalArgumentException.class, () -> new FsqConfig(null));
        assertThrows(IllegalArgumentException.class, () -> new FsqConfig(new int[] {8, 1}));
        int[] huge = new int[11];
        java.util.Arrays.fill(huge, 8); // 8^11 = 2^33 codes
        assertThrows(IllegalArgumentException.class, () -> new FsqConfig(huge));

        int[] levels = {8, 5, 3};
        FsqConfig config = new FsqConfig(levels);
        levels[0] = 2;
        assertArrayEquals(new int[] {8, 5, 3}, config.levels());
        config.levels()[1] = 7;
        assertArrayEquals(new int[] {8, 5, 3}, config.levels());
        assertEquals(120, config.codebookSize());
        assertEquals(3, config.codeDim());
        assertEquals("fsq", config.kind());
        assertEquals(new FsqConfig(new int[] {8, 5, 3}), config);
        assertEquals(new FsqConfig(new int[] {8, 5, 3}).hashCode(), config.hashCode());
        assertNotEquals(new FsqConfig(new int[] {8, 3, 5}), config);
        assertEquals("[8, 5, 3]", config.describe().get("fsq_levels"));
    }
}
