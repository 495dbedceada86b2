package dev.tessera.train.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import dev.tessera.train.model.FloatTensor;
import dev.tessera.train.model.ParameterSet;

import org.junit.jupiter.api.Test;

/** The default {@link Quantizer#tokens} and {@link Quantizer#lookup}, exercised through GM-VQ. */
class QuantizerTest {

    private static final float[] CODES = {0, 0, 3, 4, -4, 3};

    private static Quantizer quantizer() {
        return new GmVqQuantizer(new GmVqConfig(3, 2, 0.5, 0.5, 1.0, 0.1, 0.1, 1.0, GradientEstimator.GUMBEL));
    }

    private static ParameterSet params(NDManager manager) {
        ParameterSet params = new ParameterSet(manager);
        params.put(GmVqQuantizer.CODEBOOK, new FloatTensor(new long[] {3, 2}, CODES));
        return params;
    }

    @Test
    void lookupReturnsCodebookRowsInNlhwLayout() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // tokens [N=1, h=2, w=2] = [[1, 2], [0, 1]]
            for (DataType type : new DataType[] {DataType.INT32, DataType.INT64}) {
                NDArray tokens =
                        manager.create(new int[] {1, 2, 0, 1}, new Shape(1, 2, 2))
                                .toType(type, false);
                NDArray codes = quantizer().lookup(params(manager), tokens);
                assertEquals(new Shape(1, 2, 2, 2), codes.getShape(), type.toString());
                // channel 0: x of codes 1, 2, 0, 1; channel 1: their y.
                assertArrayEquals(
                        new float[] {3, -4, 0, 3, 4, 3, 0, 4},
                        codes.toFloatArray(),
                        1e-6f,
                        type.toString());
            }
        }
    }

    @Test
    void lookupKeepsImagesApart() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // tokens [N=2, h=1, w=1]: image 0 → code 2, image 1 → code 1.
            NDArray tokens = manager.create(new int[] {2, 1}, new Shape(2, 1, 1));
            NDArray codes = quantizer().lookup(params(manager), tokens);
            assertEquals(new Shape(2, 2, 1, 1), codes.getShape());
            assertArrayEquals(new float[] {-4, 3, 3, 4}, codes.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void tokensAreTheNearestCodesInNhwLayout() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // ẑ [N=1, L=2, h=1, w=3] at positions (2.5, 3.5), (-0.2, 0.1), (-3, 2).
            NDArray zHat =
                    manager.create(
                            new float[] {2.5f, -0.2f, -3, 3.5f, 0.1f, 2}, new Shape(1, 2, 1, 3));
            NDArray tokens = quantizer().tokens(params(manager), zHat);
            assertEquals(new Shape(1, 1, 3), tokens.getShape());
            assertEquals(DataType.INT32, tokens.getDataType());
            assertArrayEquals(new int[] {1, 0, 2}, tokens.toIntArray());
        }
    }

    @Test
    void tokensOfLookedUpCodesAreTheOriginalTokens() {
        try (NDManager manager = NDManager.newBaseManager()) {
            int[] ids = {2, 0, 1, 1, 0, 2, 2, 1, 0, 0, 1, 2};
            NDArray tokens = manager.create(ids, new Shape(2, 2, 3));
            Quantizer quantizer = quantizer();
            ParameterSet params = params(manager);
            NDArray back = quantizer.tokens(params, quantizer.lookup(params, tokens));
            assertEquals(new Shape(2, 2, 3), back.getShape());
            assertArrayEquals(ids, back.toIntArray());
        }
    }
}
