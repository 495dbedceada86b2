package dev.tessera.train.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import dev.tessera.train.model.FloatTensor;
import dev.tessera.train.model.ParameterSet;

import org.junit.jupiter.api.Test;

import java.util.Set;

class AdamTest {

    private static final String W = "w";

    /** Backpropagates f(w) = Σ (w − 3)², gradient 2(w − 3), then applies one Adam update. */
    private static void quadraticStep(ParameterSet params, Adam adam) {
        try (NDManager scratch = params.manager().newSubManager()) {
            params.arrays().values().forEach(a -> a.tempAttach(scratch));
            adam.state().forEach(a -> a.tempAttach(scratch));
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray loss = params.get(W).sub(3f).square().sum();
                collector.backward(loss);
            }
            adam.update(params, scratch);
        }
    }

    @Test
    void firstStepMovesEachWeightByLearningRateAgainstTheGradientSign() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterSet params = new ParameterSet(manager);
            params.put(W, new FloatTensor(new long[] {2}, new float[] {1, 5}));
            Adam adam = new Adam(0.1);
            quadraticStep(params, adam);
            // Gradients −4 and +4; m̂/√v̂ = g/|g| on the first step.
            assertArrayEquals(new float[] {1.1f, 4.9f}, params.get(W).toFloatArray(), 1e-6f);
            assertEquals(1, adam.step());
        }
    }

    @Test
    void gradientsAreZeroAfterTheUpdate() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterSet params = new ParameterSet(manager);
            params.put(W, new FloatTensor(new long[] {2}, new float[] {1, 5}));
            quadraticStep(params, new Adam(0.1));
            assertArrayEquals(new float[] {0, 0}, params.get(W).getGradient().toFloatArray());
        }
    }

    @Test
    void secondStepUsesBiasCorrectedMomentsOfFreshGradients() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterSet params = new ParameterSet(manager);
            params.put(W, new FloatTensor(new long[] {2}, new float[] {1, 5}));
            Adam adam = new Adam(0.1);
            quadraticStep(params, adam);
            quadraticStep(params, adam);
            // Step 2 gradients ∓3.8: m = 0.09·(∓4) + 0.1·(∓3.8) = ∓0.74, v = 0.999·0.016 +
            // 0.001·14.44 = 0.030424;
            // m̂ = m/0.19, v̂ = v/0.001999 → step 0.1 · 3.894737 / 3.901232 = 0.0998335.
            // Had the first gradient not been zeroed, step 2 would see ∓7.8 and move 0.0968
            // instead.
            assertArrayEquals(
                    new float[] {1.1998335f, 4.8001665f}, params.get(W).toFloatArray(), 1e-5f);
            assertEquals(2, adam.step());
        }
    }

    @Test
    void weightDecayShrinksOnlyTheNamedParametersAndIsDecoupledFromTheGradient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterSet params = new ParameterSet(manager);
            params.put(W, new FloatTensor(new long[] {2}, new float[] {1, 5}));
            params.put("bias", new FloatTensor(new long[] {2}, new float[] {1, 5}));
            Adam adam =
                    new Adam(new OptimizerConfig(0.1, 0, 0, 0.9, 0.999, 1e-8, 0.5, 0), Set.of(W));
            try (NDManager scratch = params.manager().newSubManager()) {
                params.arrays().values().forEach(a -> a.tempAttach(scratch));
                try (GradientCollector collector =
                        Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray loss =
                            params.get(W)
                                    .sub(3f)
                                    .square()
                                    .sum()
                                    .add(params.get("bias").sub(3f).square().sum());
                    collector.backward(loss);
                }
                adam.update(params, scratch);
            }
            // w ← w − lr·wd·w − lr·sign(g): 1 − 0.05 + 0.1, 5 − 0.25 − 0.1; the bias only moves
            // by the Adam step.
            assertArrayEquals(new float[] {1.05f, 4.65f}, params.get(W).toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {1.1f, 4.9f}, params.get("bias").toFloatArray(), 1e-6f);
        }
    }

    @Test
    void nonPositiveLearningRateIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Adam(0));
        assertThrows(IllegalArgumentException.class, () -> new Adam(Double.NaN));
    }

    @Test
    void decoupledWeightDecayShrinksTheWeightBeforeTheAdamStep() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = manager.create(new float[] {1, 5});
            w.setRequiresGradient(true);
            NDArray m = manager.zeros(w.getShape());
            NDArray v = manager.zeros(w.getShape());
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                collector.backward(w.sub(manager.create(3f)).square().sum());
            }
            AdamKernel.update(w, m, v, 1, 0.1, 0.5, 0.9, 0.999, 1e-8);
            // AdamW: w·(1 − lr·λ) = w·0.95, then the first Adam step of ∓lr: 0.95 + 0.1, 4.75 − 0.1.
            assertArrayEquals(new float[] {1.05f, 4.65f}, w.toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {-0.4f, 0.4f}, m.toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0.016f, 0.016f}, v.toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0, 0}, w.getGradient().toFloatArray());
        }
    }
}
