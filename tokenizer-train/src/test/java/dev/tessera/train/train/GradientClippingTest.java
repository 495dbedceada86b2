package dev.tessera.train.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import dev.tessera.train.model.FloatTensor;
import dev.tessera.train.model.ParameterSet;

import org.junit.jupiter.api.Test;

class GradientClippingTest {

    /** Gradients 2a = (2, 4) and 2b = (6): norm √56 ≈ 7.48; the buffer has none. */
    private static ParameterSet withGradients(NDManager manager, NDManager scratch) {
        ParameterSet params = new ParameterSet(manager);
        params.put("a", new FloatTensor(new long[] {2}, new float[] {1, 2}));
        params.put("b", new FloatTensor(new long[] {1, 1}, new float[] {3}));
        params.putBuffer("ema", new FloatTensor(new long[] {1}, new float[] {100}));
        params.arrays().values().forEach(x -> x.tempAttach(scratch));
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            collector.backward(params.get("a").square().sum().add(params.get("b").square().sum()));
        }
        return params;
    }

    @Test
    void globalNormCoversEveryTrainedParameterAndSkipsBuffers() {
        try (NDManager manager = NDManager.newBaseManager();
                NDManager scratch = manager.newSubManager()) {
            ParameterSet params = withGradients(manager, scratch);
            assertEquals(Math.sqrt(56), GradientClipping.globalNorm(params).getFloat(), 1e-5);
        }
    }

    @Test
    void clippingScalesEveryGradientByTheSameFactorDownToTheLimit() {
        try (NDManager manager = NDManager.newBaseManager();
                NDManager scratch = manager.newSubManager()) {
            ParameterSet params = withGradients(manager, scratch);
            GradientClipping.clip(params, 1);
            float f = (float) (1 / (Math.sqrt(56) + 1e-6));
            assertArrayEquals(
                    new float[] {2 * f, 4 * f}, params.get("a").getGradient().toFloatArray(), 1e-6f);
            assertArrayEquals(
                    new float[] {6 * f}, params.get("b").getGradient().toFloatArray(), 1e-6f);
            assertEquals(1, GradientClipping.globalNorm(params).getFloat(), 1e-5);
        }
    }

    @Test
    void aNormBelowTheLimitOrALimitOfZeroLeavesTheGradientsAlone() {
        for (double limit : new double[] {100, 0}) {
            try (NDManager manager = NDManager.newBaseManager();
                    NDManager scratch = manager.newSubManager()) {
                ParameterSet params = withGradients(manager, scratch);
                GradientClipping.clip(params, limit);
                assertArrayEquals(
                        new float[] {2, 4}, params.get("a").getGradient().toFloatArray(), 1e-6f);
            }
        }
    }
}
