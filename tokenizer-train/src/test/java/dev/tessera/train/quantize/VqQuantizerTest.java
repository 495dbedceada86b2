package dev.tessera.train.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

class VqQuantizerTest {

    /** Codes (0,0), (4,0) and (10,10); the last is far from every input below and never chosen. */
    private static final float[] CODES = {0, 0, 4, 0, 10, 10};

    /**
     * ẑ [N=1, L=2, h=1, w=3] at positions (1,0), (3,1), (−2,2) (channel 0 then channel 1). Squared
     * distances to codes 0/1: 1/9, 10/2, 8/40, so the nearest codes are 0, 1, 0.
     */
    private static final float[] Z_HAT = {1, 3, -2, 0, 1, 2};

    private static ParameterSet params(NDManager manager) {
        ParameterSet params = new ParameterSet(manager);
        params.put(VqQuantizer.CODEBOOK, new FloatTensor(new long[] {3, 2}, CODES));
        return params;
    }

    @Test
    void trainStepPicksTheNearestCodesAndOutputsThemForward() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VqQuantizer quantizer = new VqQuantizer(VqConfig.defaults(3, 2));
            NDArray zHat = manager.create(Z_HAT, new Shape(1, 2, 1, 3));
            QuantizerStep step = quantizer.trainStep(params(manager), zHat, 0.5);

            assertArrayEquals(
                    new int[] {0, 1, 0}, step.tokens().toType(DataType.INT32, false).toIntArray());
            assertEquals(new Shape(1, 2, 1, 3), step.codes().getShape());
            // Chosen codes (0,0), (4,0), (0,0) in NLHW: channel 0 = 0, 4, 0; channel 1 = 0, 0, 0.
            assertArrayEquals(new float[] {0, 4, 0, 0, 0, 0}, step.codes().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void lossIsCodebookTermPlusQuarterOfCommitment() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VqQuantizer quantizer = new VqQuantizer(VqConfig.defaults(3, 2));
            NDArray zHat = manager.create(Z_HAT, new Shape(1, 2, 1, 3));
            QuantizerStep step = quantizer.trainStep(params(manager), zHat, 0.5);
            // ẑ − q = (1,0), (−1,1), (−2,2): squares sum to 1 + 2 + 8 = 11 over 6 elements.
            float mean = 11f / 6;
            assertEquals(mean, step.terms().get("codebook").getFloat(), 1e-6f);
            assertEquals(mean, step.terms().get("commitment").getFloat(), 1e-6f);
            assertEquals(1.25f * mean, step.loss().getFloat(), 1e-6f);

            VqQuantizer heavy = new VqQuantizer(new VqConfig(3, 2, 2.0));
            assertEquals(
                    3f * mean, heavy.trainStep(params(manager), zHat, 0).loss().getFloat(), 1e-5f);
        }
    }

    @Test
    void codebookGradientComesFromTheCodebookTermAndReachesOnlyChosenCodes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VqQuantizer quantizer = new VqQuantizer(VqConfig.defaults(3, 2));
            ParameterSet params = params(manager);
            NDArray zHat = manager.create(Z_HAT, new Shape(1, 2, 1, 3));
            zHat.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                QuantizerStep step = quantizer.trainStep(params, zHat, 0.5);
                // The decoder's stand-in: Σ codes, whose gradient must pass straight to ẑ.
                collector.backward(step.loss().add(step.codes().sum()));
            }
            // ∂/∂μ_c of mean (μ_c(m) − sg ẑ_m)² = Σ_{m→c} 2(μ_c − ẑ_m) / 6, weight 1:
            // code 0 ← (1,0), (−2,2): (2·(−1 + 2), 2·(0 − 2)) / 6 = (1/3, −2/3);
            // code 1 ← (3,1): 2·(1, −1) / 6 = (1/3, −1/3); code 2: nothing.
            assertArrayEquals(
                    new float[] {1 / 3f, -2 / 3f, 1 / 3f, -1 / 3f, 0, 0},
                    params.get(VqQuantizer.CODEBOOK).getGradient().toFloatArray(),
                    1e-6f);
            // ∂/∂ẑ: 0.25 · 2(ẑ − q) / 6 from the commitment, plus 1 straight through the codes.
            // ẑ − q per position: (1,0), (−1,1), (−2,2); NLHW: channel 0 then channel 1.
            assertArrayEquals(
                    new float[] {
                        1 + 1 / 12f, 1 - 1 / 12f, 1 - 2 / 12f, 1 + 0f, 1 + 1 / 12f, 1 + 2 / 12f
                    },
                    zHat.getGradient().toFloatArray(),
                    1e-6f);
        }
    }

    @Test
    void sampleRowsPicksDistinctRowsOfTheInputDeterministically() {
        // Six distinct rows of dimension 2: (i, 10 + i).
        float[] rows = new float[12];
        Set<String> all = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            rows[2 * i] = i;
            rows[2 * i + 1] = 10 + i;
            all.add(i + "," + (10 + i));
        }
        FloatTensor picked = VqQuantizer.sampleRows(rows, 4, 2, 42L);
        assertArrayEquals(new long[] {4, 2}, picked.shape());
        Set<String> seen = new HashSet<>();
        for (int r = 0; r < 4; r++) {
            String row = (int) picked.data()[2 * r] + "," + (int) picked.data()[2 * r + 1];
            assertTrue(all.contains(row), "row " + row + " is not an input row");
            assertTrue(seen.add(row), "row " + row + " picked twice");
        }
        assertEquals(picked, VqQuantizer.sampleRows(rows, 4, 2, 42L));

        // Different seeds give different draws (deterministically so: fixed seeds).
        Set<String> draws = new HashSet<>();
        for (long seed = 0; seed < 10; seed++) {
            draws.add(Arrays.toString(VqQuantizer.sampleRows(rows, 4, 2, seed).data()));
        }
        assertTrue(draws.size() > 1, "ten seeds gave one draw");

        // k = M: a permutation of every row.
        FloatTensor everything = VqQuantizer.sampleRows(rows, 6, 2, 3L);
        float[] sorted = everything.data().clone();
        Arrays.sort(sorted);
        float[] expected = rows.clone();
        Arrays.sort(expected);
        assertArrayEquals(expected, sorted);
    }

    @Test
    void sampleRowsNeedsAtLeastKRows() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> VqQuantizer.sampleRows(new float[] {1, 2, 3, 4}, 3, 2, 1L));
        assertTrue(e.getMessage().contains("at least 3"), e.getMessage());
    }

    @Test
    void initParametersMakesATrainableCodebookOfEncoderRows() {
        try (NDManager manager = NDManager.newBaseManager()) {
            VqQuantizer quantizer = new VqQuantizer(VqConfig.defaults(2, 2));
            ParameterSet params = new ParameterSet(manager);
            float[] rows = {0, 1, 2, 3, 4, 5, 6, 7};
            quantizer.initParameters(params, rows, 9L);
            assertTrue(params.trainable(VqQuantizer.CODEBOOK));
            assertEquals(4, params.count());
            assertArrayEquals(
                    VqQuantizer.sampleRows(rows, 2, 2, 9L).data(),
                    quantizer.codebook(params).toFloatArray());
            assertNotEquals(
                    quantizer.codebook(params).getFloat(0, 0),
                    quantizer.codebook(params).getFloat(1, 0));
        }
    }

    @Test
    void negativeCommitmentIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new VqConfig(4, 2, -0.1));
        assertThrows(IllegalArgumentException.class, () -> new VqConfig(1, 2, 0.25));
    }
}
