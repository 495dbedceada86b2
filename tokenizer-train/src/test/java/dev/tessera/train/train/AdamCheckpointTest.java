package dev.tessera.train.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import dev.tessera.train.model.FloatTensor;
import dev.tessera.train.model.ParameterSet;
import dev.tessera.train.model.Scalars;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

/** Adam's snapshot and restore, as a checkpoint uses them. */
class AdamCheckpointTest {

    /** f = Σ (a − 3)² + Σ b⁴: gradients 2(a − 3) and 4b³, then one Adam update. */
    private static void step(ParameterSet params, Adam adam) {
        try (NDManager scratch = params.manager().newSubManager()) {
            params.arrays().values().forEach(a -> a.tempAttach(scratch));
            adam.state().forEach(a -> a.tempAttach(scratch));
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray a = params.get("a");
                NDArray loss =
                        a.sub(Scalars.like(a, 3))
                                .square()
                                .sum()
                                .add(params.get("b").square().square().sum());
                collector.backward(loss);
            }
            adam.update(params, scratch);
        }
    }

    private static ParameterSet initial(NDManager manager) {
        ParameterSet params = new ParameterSet(manager);
        params.put("a", new FloatTensor(new long[] {2}, new float[] {1, 5}));
        params.put("b", new FloatTensor(new long[] {1, 2}, new float[] {0.5f, -1.5f}));
        params.putBuffer("ema", new FloatTensor(new long[] {1}, new float[] {9}));
        return params;
    }

    @Test
    void restoredAdamContinuesExactlyAsAnUninterruptedOne() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterSet straight = initial(manager);
            Adam uninterrupted = new Adam(0.05);
            for (int i = 0; i < 3; i++) {
                step(straight, uninterrupted);
            }

            // One step, then a checkpoint: parameters and moments to the heap and back.
            ParameterSet before = initial(manager);
            Adam first = new Adam(0.05);
            step(before, first);
            Map<String, FloatTensor> savedParams = before.snapshot();
            Map<String, FloatTensor> savedMoments = first.snapshot();
            assertEquals(Set.of("a#m", "a#v", "b#m", "b#v"), savedMoments.keySet());

            try (NDManager resumed = NDManager.newBaseManager()) {
                ParameterSet after = new ParameterSet(resumed);
                after.load(savedParams, Set.of("ema"));
                Adam second = new Adam(0.05);
                second.restore(first.step(), savedMoments, resumed);
                assertEquals(1, second.step());
                step(after, second);
                step(after, second);

                assertEquals(3, second.step());
                assertArrayEquals(
                        straight.get("a").toFloatArray(), after.get("a").toFloatArray(), 0f);
                assertArrayEquals(
                        straight.get("b").toFloatArray(), after.get("b").toFloatArray(), 0f);
                assertEquals(uninterrupted.snapshot(), second.snapshot());
                // The run moved: the comparison is not between two untouched copies.
                assertNotEquals(1f, after.get("a").getFloat(0));
            }
        }
    }

    @Test
    void restoreWithoutTheStepCountChangesTheBiasCorrection() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterSet straight = initial(manager);
            Adam uninterrupted = new Adam(0.05);
            step(straight, uninterrupted);
            step(straight, uninterrupted);

            ParameterSet other = initial(manager);
            Adam first = new Adam(0.05);
            step(other, first);
            Adam wrongStep = new Adam(0.05);
            wrongStep.restore(0, first.snapshot(), manager);
            step(other, wrongStep);
            // Same moments, but bias correction for step 1 instead of 2: a different update.
            assertNotEquals(straight.get("a").getFloat(0), other.get("a").getFloat(0));
        }
    }

    @Test
    void restoreRefusesUnknownOrMissingMoments() {
        try (NDManager manager = NDManager.newBaseManager()) {
            FloatTensor t = new FloatTensor(new long[] {1}, new float[] {1});
            Adam adam = new Adam(0.1);
            IllegalArgumentException name =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> adam.restore(1, Map.of("a#x", t), manager));
            assertEquals("not an Adam moment name: a#x", name.getMessage());
            IllegalArgumentException missing =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> adam.restore(1, Map.of("a#m", t), manager));
            assertEquals("checkpoint lacks a moment of a", missing.getMessage());
        }
    }
}
