package dev.tessera.train.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import dev.tessera.train.model.FloatTensor;
import dev.tessera.train.model.ParameterSet;

import org.junit.jupiter.api.Test;

/** GM-VQ with σ_q² trained by gradient (GmVqConfig.learnPosteriorVariance) and its fixed form. */
class GmVqLearnedVarianceTest {

    private static final float[] ROWS = {0, 0, 0, 1, 10, 10, 10, 11};

    private static GmVqConfig config(double posteriorVariance, boolean learned) {
        return new GmVqConfig(2, 2, posteriorVariance, 0.5, 1.0, 0.1, 0.1, 1.0, GradientEstimator.GUMBEL,
                learned ? PosteriorVarianceMode.LEARNED : PosteriorVarianceMode.FIXED,
                1.0);
    }

    @Test
    void learnedLogVarianceIsATrainableParameterStartingAtTheConfiguredValue() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GmVqQuantizer q = new GmVqQuantizer(config(0.5, true));
            ParameterSet params = new ParameterSet(manager);
            q.initParameters(params, ROWS, 3L);
            assertTrue(params.trainable(GmVqQuantizer.LOG_POSTERIOR_VARIANCE));
            assertFalse(params.bufferNames().contains(GmVqQuantizer.LOG_POSTERIOR_VARIANCE));
            assertEquals(
                    (float) Math.log(0.5),
                    params.get(GmVqQuantizer.LOG_POSTERIOR_VARIANCE).getFloat(0),
                    1e-7f);
            // Codebook 2·2 plus the one log-variance.
            assertEquals(5, params.count());
            assertEquals(0.5, q.posteriorVariance(params), 1e-6);
            assertEquals("learned", q.describe(params).get("posterior_variance_mode"));
        }
    }

    @Test
    void estimatedVarianceIsTheStartingPointOfTheLearnedOne() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GmVqQuantizer q = new GmVqQuantizer(config(0, true));
            ParameterSet params = new ParameterSet(manager);
            q.initParameters(params, ROWS, 3L);
            // k-means inertia 1 over 4 rows and L = 2: σ_q² = 1/8.
            assertEquals(
                    (float) Math.log(0.125),
                    params.get(GmVqQuantizer.LOG_POSTERIOR_VARIANCE).getFloat(0),
                    1e-6f);
            assertTrue(params.trainable(GmVqQuantizer.LOG_POSTERIOR_VARIANCE));
        }
    }

    @Test
    void fixedVarianceIsStoredAsABuffer() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GmVqQuantizer q = new GmVqQuantizer(config(0.7, false));
            ParameterSet params = new ParameterSet(manager);
            q.initParameters(params, ROWS, 3L);
            assertFalse(params.trainable(GmVqQuantizer.LOG_POSTERIOR_VARIANCE));
            assertTrue(params.bufferNames().contains(GmVqQuantizer.LOG_POSTERIOR_VARIANCE));
            assertEquals(4, params.count());
            assertEquals(0.7, q.posteriorVariance(params), 1e-6);
            assertEquals("fixed", q.describe(params).get("posterior_variance_mode"));
        }
    }

    /**
     * Codebook (0,0), (2,0); positions ẑ = (1,0) and (0,0), so d = (1,1) and (0,4); log σ_q² = log
     * ½. The loss is that of GmVqQuantizerTest's hand case; its derivative in s = log σ_q²: only
     * the second row's q depends on s, ℓ_1 = −4·e^{−s}/2 with ∂ℓ_1/∂s = 4, so ∂q_1/∂s = 4 q_1 (1 −
     * q_1) = 0.07065082 (q_1 = 0.01798621). Distance term mean(1, 4 q_1)/L moves by the same
     * 0.07065082; KL = Σ q̄ log q̄ + log 2 moves by log(q̄_1/q̄_0) · ∂q_1/∂s / 2 = log(0.25899310 /
     * 0.74100690) · 0.03532541 = −0.03713469. Total with γ = 1, β = 0.1: 0.06693739.
     */
    @Test
    void learnedLogVarianceGetsTheHandComputedGradient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GmVqQuantizer q = new GmVqQuantizer(config(0.5, true));
            ParameterSet params = new ParameterSet(manager);
            params.put(
                    GmVqQuantizer.CODEBOOK,
                    new FloatTensor(new long[] {2, 2}, new float[] {0, 0, 2, 0}));
            params.put(
                    GmVqQuantizer.LOG_POSTERIOR_VARIANCE,
                    new FloatTensor(new long[] {1}, new float[] {(float) Math.log(0.5)}));
            NDArray zHat = manager.create(new float[] {1, 0, 0, 0}, new Shape(1, 2, 1, 2));
            QuantizerStep step;
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                step = q.trainStep(params, zHat, 0.5);
                collector.backward(step.loss());
            }
            // Forward: the fixed-variance hand values.
            assertEquals(0.26798621f, step.terms().get("distance").getFloat(), 1e-5f);
            assertEquals(0.12114608f, step.terms().get("marginal_kl").getFloat(), 1e-5f);
            float gradient =
                    params.get(GmVqQuantizer.LOG_POSTERIOR_VARIANCE).getGradient().getFloat(0);
            assertEquals(0.06693739f, gradient, 1e-5f);
        }
    }

    @Test
    void learnedVarianceSharpensThePosteriorAsItShrinks() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GmVqQuantizer q = new GmVqQuantizer(config(0.5, true));
            ParameterSet params = new ParameterSet(manager);
            params.put(
                    GmVqQuantizer.CODEBOOK,
                    new FloatTensor(new long[] {2, 2}, new float[] {0, 0, 2, 0}));
            // σ_q² = ⅛ instead of the configured ½: second row's logits (0, −16), q_1 =
            // 1.12535e-7; the first row stays at (½, ½). Distance term mean(1, 4 q_1)/2 =
            // 0.25000011 (with σ_q² = ½ it would be 0.26798621).
            params.put(
                    GmVqQuantizer.LOG_POSTERIOR_VARIANCE,
                    new FloatTensor(new long[] {1}, new float[] {(float) Math.log(0.125)}));
            NDArray zHat = manager.create(new float[] {1, 0, 0, 0}, new Shape(1, 2, 1, 2));
            QuantizerStep step = q.trainStep(params, zHat, 0.5);
            assertEquals(0.25000011f, step.terms().get("distance").getFloat(), 1e-6f);
        }
    }

    @Test
    void restoreRereadsTheVarianceFromTheParameters() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GmVqQuantizer fresh = new GmVqQuantizer(config(0, false));
            assertEquals(0.0, fresh.posteriorVariance());
            ParameterSet params = new ParameterSet(manager);
            params.putBuffer(
                    GmVqQuantizer.LOG_POSTERIOR_VARIANCE,
                    new FloatTensor(new long[] {1}, new float[] {(float) Math.log(0.3)}));
            fresh.restore(params);
            assertEquals(0.3, fresh.posteriorVariance(), 1e-6);

            // A learned one that moved during training: restore picks up the trained value.
            GmVqQuantizer learned = new GmVqQuantizer(config(0.5, true));
            ParameterSet trained = new ParameterSet(manager);
            learned.initParameters(trained, ROWS, 3L);
            trained.put(
                    GmVqQuantizer.LOG_POSTERIOR_VARIANCE,
                    new FloatTensor(new long[] {1}, new float[] {(float) Math.log(0.2)}));
            assertEquals(0.5, learned.posteriorVariance(), 1e-6);
            learned.restore(trained);
            assertEquals(0.2, learned.posteriorVariance(), 1e-6);
        }
    }
}
