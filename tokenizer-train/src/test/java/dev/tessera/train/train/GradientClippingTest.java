package dev.tessera.train.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import dev.tessera.train.model.FloatTensor;
import dev.tessera.train.model.ParameterSet;

import org.junit.jupiter.api.Test;

class GradientClippingTest {

    @Test
    void globalNormCoversEveryTrainedParameterAndSkipsBuffers() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterSet params = new ParameterSet(manager);
            params.put("a", new FloatTensor(new long[] {2}, new float[] {1, 2}));
            params.put("b", new FloatTensor(new long[] {1, 1}, new float[] {3}));
            params.putBuffer("ema", new FloatTensor(new long[] {1}, new float[] {100}));
            try (NDManager scratch = manager.newSubManager()) {
                params.arrays().values().forEach(x -> x.tempAttach(scratch));
                try (GradientCollector collector =
                        Engine.getEngine("PyTorch").newGradientCollector()) {
                    // Gradients 2a = (2, 4) and 2b = (6): norm √56.
                    collector.backward(
                            params.get("a").square().sum().add(params.get("b").square().sum()));
                }
                assertEquals(Math.sqrt(56), GradientClipping.globalNorm(params), 1e-6);
            }
        }
    }

    @Test
    void scaleBringsTheNormDownToTheLimitAndLeavesSmallerOnesAlone() {
        assertEquals(0.25, GradientClipping.scale(4, 1), 1e-12);
        assertEquals(1, GradientClipping.scale(0.5, 1));
        assertEquals(1, GradientClipping.scale(400, 0), "0 turns clipping off");
    }
}
