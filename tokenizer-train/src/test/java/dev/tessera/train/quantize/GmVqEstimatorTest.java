package dev.tessera.train.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import dev.tessera.train.model.FloatTensor;
import dev.tessera.train.model.ParameterSet;

import org.junit.jupiter.api.Test;

/**
 * The exact-sample estimators against hand-computed gradients of the two-code, one-position case of
 * docs/gmvq-ablation.md: codes μ = (−1, +1) in L = 1, ẑ = 0.2, σ_q² = ½, so d = (1.44, 0.64) and
 * q = softmax(−d) = (0.31002552, 0.68997448).
 */
class GmVqEstimatorTest {

    private static final double Q0 = 0.3100255188723876;
    private static final double Q1 = 0.6899744811276125;

    /** σ² = ∞ switches the adaptive noise off, so z is the sampled code plus the surrogate. */
    private static GmVqConfig config(GradientEstimator estimator, double beta, double gamma) {
        return new GmVqConfig(
                2, 1, 0.5, Double.POSITIVE_INFINITY, 1, 0.1, beta, gamma, estimator, PosteriorVarianceMode.FIXED, 1.0);
    }

    private record Gradients(float z, float zHat, float mu0, float mu1) {}

    /** Codes (−1, +1) and σ_q² = ½ as stored parameters, picked up by {@code quantizer}. */
    private static ParameterSet twoCodes(NDManager manager, GmVqQuantizer quantizer) {
        ParameterSet params = new ParameterSet(manager);
        params.put(GmVqQuantizer.CODEBOOK, new FloatTensor(new long[] {2, 1}, new float[] {-1, 1}));
        params.putBuffer(
                GmVqQuantizer.LOG_POSTERIOR_VARIANCE,
                new FloatTensor(new long[] {1}, new float[] {(float) Math.log(0.5)}));
        quantizer.restore(params);
        return params;
    }

    /** The gradients of z (the decoder's input) plus the quantizer's own loss. */
    private static Gradients gradients(GradientEstimator estimator, double beta, double gamma) {
        try (NDManager manager = NDManager.newBaseManager()) {
            GmVqQuantizer quantizer = new GmVqQuantizer(config(estimator, beta, gamma));
            ParameterSet params = twoCodes(manager, quantizer);
            NDArray zHat = manager.create(new float[] {0.2f}, new Shape(1, 1, 1, 1));
            zHat.setRequiresGradient(true);
            float z;
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                QuantizerStep step = quantizer.trainStep(params, zHat, 0.5);
                z = step.codes().getFloat(0, 0, 0, 0);
                collector.backward(step.codes().sum().add(step.loss()));
            }
            float[] mu = params.get(GmVqQuantizer.CODEBOOK).getGradient().toFloatArray();
            return new Gradients(z, zHat.getGradient().getFloat(0, 0, 0, 0), mu[0], mu[1]);
        }
    }

    /**
     * With f(z) = z, the first-order ALBO gradient is exact: ∂/∂ẑ Σ_c q_c μ_c = Var_q(μ)/σ_q² = 8
     * q₀q₁ = 1.71127757; the sampled code μ_s gets ∂f/∂μ_s = 1, and every code k gets the score
     * part q_k (μ_k − μ̄)(ẑ − μ_k)/σ_q² = (−1.02676654, −0.68451103), μ̄ = q₁ − q₀.
     */
    @Test
    void posteriorMeanEstimatorGivesTheFirstOrderAlboGradient() {
        for (int draw = 0; draw < 8; draw++) {
            Gradients g = gradients(GradientEstimator.POSTERIOR_MEAN, 0, 0);
            int sampled = g.z() < 0 ? 0 : 1;
            assertEquals(sampled == 0 ? -1f : 1f, g.z(), 1e-5f);
            assertEquals(1.71127757f, g.zHat(), 1e-5f);
            assertEquals(-1.02676654f + (sampled == 0 ? 1 : 0), g.mu0(), 1e-5f);
            assertEquals(-0.68451103f + (sampled == 1 ? 1 : 0), g.mu1(), 1e-5f);
        }
    }

    /** Straight-through hands ∂f/∂z = 1 to ẑ unchanged, and only the sampled code gets it. */
    @Test
    void straightThroughEstimatorPassesTheDecoderGradientToTheEncoderUnchanged() {
        Gradients g = gradients(GradientEstimator.ENCODER_STRAIGHT_THROUGH, 0, 0);
        int sampled = g.z() < 0 ? 0 : 1;
        assertEquals(1f, g.zHat(), 1e-6f);
        assertEquals(sampled == 0 ? 1f : 0f, g.mu0(), 1e-6f);
        assertEquals(sampled == 1 ? 1f : 0f, g.mu1(), 1e-6f);
    }

    /**
     * The γ term E_q ‖ẑ − μ_c‖² / L = 0.88802042 through the expanded form: ∂/∂ẑ = Σ q_c 2(ẑ − μ_c)
     * + Σ d_c ∂q_c/∂ẑ = −1.04440895, ∂/∂μ = (−0.33335463, 1.37776358). Subtracting the f(z) = z
     * parts of the case above isolates them.
     */
    @Test
    void expectedDistanceTermHasTheHandComputedGradientsThroughCodesAndPosterior() {
        Gradients both = gradients(GradientEstimator.POSTERIOR_MEAN, 0, 1);
        int sampled = both.z() < 0 ? 0 : 1;
        assertEquals(1.71127757f - 1.04440895f, both.zHat(), 1e-5f);
        assertEquals(
                -1.02676654f + (sampled == 0 ? 1 : 0) - 0.33335463f, both.mu0(), 1e-5f);
        assertEquals(
                -0.68451103f + (sampled == 1 ? 1 : 0) + 1.37776358f, both.mu1(), 1e-5f);
    }

    /** The exact sampler's code frequencies match q: 20,000 positions, within 4 standard errors. */
    @Test
    void exactSampleDrawsCodesWithThePosteriorProbabilities() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GmVqQuantizer quantizer =
                    new GmVqQuantizer(config(GradientEstimator.POSTERIOR_MEAN, 0.01, 1));
            ParameterSet params = twoCodes(manager, quantizer);
            int n = 20_000;
            NDArray zHat = manager.full(new Shape(1, 1, 100, n / 100), 0.2f);
            float[] z = quantizer.trainStep(params, zHat, 0).codes().toFloatArray();
            int ones = 0;
            for (float v : z) {
                assertTrue(Math.abs(Math.abs(v) - 1) < 1e-4, "z is a code, got " + v);
                ones += v > 0 ? 1 : 0;
            }
            double standardError = Math.sqrt(Q0 * Q1 / n);
            assertEquals(Q1, ones / (double) n, 4 * standardError);
        }
    }
}
