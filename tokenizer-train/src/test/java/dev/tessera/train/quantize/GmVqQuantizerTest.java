package dev.tessera.train.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import dev.tessera.train.model.FloatTensor;
import dev.tessera.train.model.ParameterSet;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

class GmVqQuantizerTest {

    /**
     * Three codes in R² at squared distance ≥ 25 from each other. With σ_q² = ½ the logits of a ẑ
     * lying on a code differ by ≥ 25, more than the widest Gumbel perturbation the sampler can draw
     * (uniforms clipped to [1e-6, 1 − 1e-6] give Gumbel noise in about [−2.6, 13.8]), so the
     * sampled code is always the nearest.
     */
    private static final float[] FAR_CODES = {0, 0, 3, 4, -4, 3};

    private static GmVqConfig config(
            int k,
            int l,
            double posteriorVariance,
            double noiseVariance,
            double beta,
            double gamma,
            boolean straightThrough) {
        return new GmVqConfig(
                k,
                l,
                posteriorVariance,
                noiseVariance,
                1.0,
                0.1,
                beta,
                gamma,
                straightThrough ? GradientEstimator.GUMBEL : GradientEstimator.GUMBEL_SOFT);
    }

    private static ParameterSet withCodebook(NDManager manager, int k, int l, float[] codes) {
        ParameterSet params = new ParameterSet(manager);
        params.put(GmVqQuantizer.CODEBOOK, new FloatTensor(new long[] {k, l}, codes));
        return params;
    }

    @Test
    void posteriorIsSoftmaxOfNegativeDistanceOverTwiceTheVariance() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // Codes 0, 1, √2 on a line: a row at 0 has d = 0, 1, 2.
            ParameterSet params =
                    withCodebook(manager, 3, 2, new float[] {0, 0, 1, 0, (float) Math.sqrt(2), 0});
            NDArray row = manager.create(new float[] {0, 0}, new Shape(1, 2));
            GmVqQuantizer half = new GmVqQuantizer(config(3, 2, 0.5, 0.5, 0.1, 1, true));
            // σ² = ½: log q = −d − log(1 + e⁻¹ + e⁻²) = −d − 0.4076059644.
            assertArrayEquals(
                    new float[] {-0.40760596f, -1.40760596f, -2.40760596f},
                    half.logits(params, row, 0).logSoftmax(1).toFloatArray(),
                    1e-5f);
            // σ² = 2: a row at (−2, 0) has d = 4, 9, (2 + √2)² = 11.6568542; logits −d/4.
            GmVqQuantizer two = new GmVqQuantizer(config(3, 2, 2.0, 0.5, 0.1, 1, true));
            NDArray far = manager.create(new float[] {-2, 0}, new Shape(1, 2));
            double[] d = {4, 9, 11.656854249492381};
            double norm = 0;
            for (double v : d) {
                norm += Math.exp(-v / 4);
            }
            float[] expected = new float[3];
            for (int c = 0; c < 3; c++) {
                expected[c] = (float) (-d[c] / 4 - Math.log(norm));
            }
            assertArrayEquals(
                    expected, two.logits(params, far, 0).logSoftmax(1).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void annealedPosteriorVarianceShrinksExponentiallyToItsEndRatio() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GmVqConfig annealed =
                    new GmVqConfig(
                            2,
                            1,
                            0.5,
                            0.5,
                            1,
                            0.1,
                            0.1,
                            1,
                            GradientEstimator.GUMBEL,
                            PosteriorVarianceMode.FIXED,
                            0.25);
            GmVqQuantizer quantizer = new GmVqQuantizer(annealed);
            ParameterSet params = new ParameterSet(manager);
            quantizer.initParameters(params, new float[] {-1, -1, 1, 1}, 1L);
            assertEquals(0.5, quantizer.posteriorVariance(params, 0), 1e-6);
            assertEquals(0.25, quantizer.posteriorVariance(params, 0.5), 1e-6);
            // The trained model's σ_q² is the end of the schedule.
            assertEquals(0.125, quantizer.posteriorVariance(params), 1e-6);
            // Codes at ±1, row at 0.5: d = 2.25, 0.25; at σ_q² = 0.125 the logit gap is 2/0.25 = 8.
            NDArray row = manager.create(new float[] {0.5f}, new Shape(1, 1));
            float[] logits = quantizer.logits(params, row, 1).toFloatArray();
            float gap = logits[0] > logits[1] ? logits[0] - logits[1] : logits[1] - logits[0];
            assertEquals(8f, gap, 1e-5f);
        }
    }

    @Test
    void trackedPosteriorVarianceIsReestimatedFromEachStepsNearestCodes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GmVqConfig tracked =
                    new GmVqConfig(
                            2,
                            2,
                            0.7,
                            0.5,
                            1,
                            0.1,
                            0.1,
                            1,
                            GradientEstimator.POSTERIOR_MEAN,
                            PosteriorVarianceMode.TRACKED,
                            1.0);
            GmVqQuantizer quantizer = new GmVqQuantizer(tracked);
            assertTrue(quantizer.updatesAfterStep());
            ParameterSet params = withCodebook(manager, 2, 2, new float[] {0, 0.5f, 10, 10.5f});
            params.putBuffer(
                    GmVqQuantizer.LOG_POSTERIOR_VARIANCE,
                    new FloatTensor(new long[] {1}, new float[] {(float) Math.log(0.7)}));
            quantizer.restore(params);
            // Every row 0.5 from its code: Σ d = 4 · 0.25 over 4 rows and L = 2 → σ_q² = ⅛.
            quantizer.afterStep(
                    params,
                    new float[] {0, 0, 0, 1, 10, 10, 10, 11},
                    new int[] {0, 0, 1, 1},
                    new SplittableRandom(1));
            assertEquals(0.125, quantizer.posteriorVariance(), 1e-6);
            assertEquals(0.125, quantizer.posteriorVariance(params), 1e-6);
            assertEquals("tracked", quantizer.describe(params).get("posterior_variance_mode"));
        }
    }

    @Test
    void posteriorBeforeTheVarianceIsKnownIsRefused() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GmVqQuantizer estimated = new GmVqQuantizer(GmVqConfig.defaults(3, 2));
            assertEquals(0.0, estimated.posteriorVariance());
            ParameterSet params = withCodebook(manager, 3, 2, FAR_CODES);
            NDArray row = manager.create(new float[] {0, 0}, new Shape(1, 2));
            assertThrows(IllegalStateException.class, () -> estimated.logits(params, row, 0));
        }
    }

    @Test
    void marginalKlOfAUniformPosteriorIsZero() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray q = manager.full(new Shape(5, 4), 0.25f);
            assertEquals(0f, GmVqQuantizer.marginalKl(q).getFloat(), 1e-5f);
        }
    }

    @Test
    void marginalKlOfOneHotRowsSpreadEvenlyOverAllCodesIsZero() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray q = manager.create(new float[] {1, 0, 0, 1}, new Shape(2, 2));
            assertEquals(0f, GmVqQuantizer.marginalKl(q).getFloat(), 1e-5f);
        }
    }

    @Test
    void marginalKlWhenEveryRowPicksTheSameCodeIsLogK() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] oneHot = new float[3 * 4];
            for (int row = 0; row < 3; row++) {
                oneHot[row * 4 + 2] = 1;
            }
            NDArray q = manager.create(oneHot, new Shape(3, 4));
            assertEquals((float) Math.log(4), GmVqQuantizer.marginalKl(q).getFloat(), 1e-5f);
        }
    }

    @Test
    void marginalKlOfATwoByTwoPosteriorMatchesHandValue() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // q̄ = (0.7, 0.3); KL = ln 2 + 0.7 ln 0.7 + 0.3 ln 0.3 = 0.0822828785.
            NDArray q = manager.create(new float[] {0.9f, 0.1f, 0.5f, 0.5f}, new Shape(2, 2));
            assertEquals(0.08228288f, GmVqQuantizer.marginalKl(q).getFloat(), 1e-5f);
        }
    }

    @Test
    void initialisationPutsKMeansCentresInTheCodebookAndEstimatesTheVarianceFromInertia() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GmVqQuantizer quantizer = new GmVqQuantizer(GmVqConfig.defaults(2, 2));
            ParameterSet params = new ParameterSet(manager);
            float[] rows = {0, 0, 0, 1, 10, 10, 10, 11};
            quantizer.initParameters(params, rows, 3L);

            NDArray codebook = quantizer.codebook(params);
            assertEquals(new Shape(2, 2), codebook.getShape());
            float[][] centres = KMeansTest.sortedRows(codebook.toFloatArray(), 2);
            assertArrayEquals(new float[] {0f, 0.5f}, centres[0], 1e-6f);
            assertArrayEquals(new float[] {10f, 10.5f}, centres[1], 1e-6f);
            // Inertia 4 · 0.25 = 1 over n = 4 rows and L = 2 dimensions: σ_q² = 1 / 8.
            assertEquals(0.125, quantizer.posteriorVariance(), 1e-9);
        }
    }

    @Test
    void initialisationKeepsAConfiguredVariance() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GmVqQuantizer quantizer = new GmVqQuantizer(config(2, 2, 0.7, 0.5, 0.1, 1, true));
            quantizer.initParameters(
                    new ParameterSet(manager), new float[] {0, 0, 0, 1, 10, 10, 10, 11}, 3L);
            // Kept as log σ_q² in float32: 0.7 to about 7 significant digits.
            assertEquals(0.7, quantizer.posteriorVariance(), 1e-7);
        }
    }

    @Test
    void trainStepReturnsCodesOfTheInputShapeFiniteLossAndTokensInRange() {
        try (NDManager manager = NDManager.newBaseManager()) {
            int k = 4;
            GmVqQuantizer quantizer = new GmVqQuantizer(config(k, 3, 0.5, 0.5, 0.1, 1, true));
            ParameterSet params =
                    withCodebook(manager, k, 3, new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1});
            // Seeded, so that no position sits on a near-tie between two codes by chance.
            SplittableRandom random = new SplittableRandom(17L);
            float[] values = new float[2 * 3 * 4 * 5];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextGaussian();
            }
            NDArray zHat = manager.create(values, new Shape(2, 3, 4, 5));
            QuantizerStep step = quantizer.trainStep(params, zHat, 0.3);

            assertEquals(zHat.getShape(), step.codes().getShape());
            assertEquals(0, step.loss().getShape().dimension());
            assertTrue(Float.isFinite(step.loss().getFloat()));
            assertTrue(
                    step.terms().containsKey("distance")
                            && step.terms().containsKey("marginal_kl"));
            int[] tokens = step.tokens().toType(DataType.INT32, false).toIntArray();
            assertEquals(2 * 4 * 5, tokens.length);
            for (int t : tokens) {
                assertTrue(t >= 0 && t < k, "token " + t + " outside [0, " + k + ")");
            }
            // The hard tokens are the nearest codes, position for position.
            int[] nearest = quantizer.tokens(params, zHat).toIntArray();
            assertArrayEquals(nearest, tokens);
        }
    }

    @Test
    void straightThroughCodesEqualTheChosenCodeWhenTheEncoderOutputLiesOnIt() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GmVqQuantizer quantizer = new GmVqQuantizer(config(3, 2, 0.5, 0.5, 0.1, 1, true));
            ParameterSet params = withCodebook(manager, 3, 2, FAR_CODES);
            // ẑ [N=1, L=2, h=2, w=2] at codes 0, 1, 2, 1 (channel 0 then channel 1).
            float[] zHatValues = {0, 3, -4, 3, 0, 4, 3, 4};
            NDArray zHat = manager.create(zHatValues, new Shape(1, 2, 2, 2));
            for (int repeat = 0; repeat < 5; repeat++) {
                QuantizerStep step = quantizer.trainStep(params, zHat, 0.0);
                // Noise variance d_c/(2σ²L) is 0; only the 1e-12 inside the square root is left
                // (std 1e-6).
                assertArrayEquals(zHatValues, step.codes().toFloatArray(), 1e-4f);
                assertArrayEquals(
                        new int[] {0, 1, 2, 1},
                        step.tokens().toType(DataType.INT32, false).toIntArray());
            }
        }
    }

    @Test
    void straightThroughNoiseHasVarianceDistanceOverTwiceNoiseVarianceTimesL() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // ẑ = (0.5, 0) everywhere: nearest code (0,0) at d = 0.25; the others are ≥ 20 away, so
            // always chosen.
            int side = 64;
            float[] zHatValues = new float[2 * side * side];
            Arrays.fill(zHatValues, 0, side * side, 0.5f);
            NDArray zHat = manager.create(zHatValues, new Shape(1, 2, side, side));
            double[][] cases = {{0.5, 0.25 / (2 * 0.5 * 2)}, {0.25, 0.25 / (2 * 0.25 * 2)}};
            for (double[] c : cases) {
                GmVqQuantizer quantizer = new GmVqQuantizer(config(3, 2, 0.5, c[0], 0.1, 1, true));
                float[] codes =
                        quantizer
                                .trainStep(withCodebook(manager, 3, 2, FAR_CODES), zHat, 0.0)
                                .codes()
                                .toFloatArray();
                double sum = 0;
                double sumSquares = 0;
                for (float v : codes) {
                    sum += v; // chosen code is (0, 0): the codes are pure noise
                    sumSquares += (double) v * v;
                }
                double mean = sum / codes.length;
                double variance = sumSquares / codes.length - mean * mean;
                // 8192 draws: the sample variance is within ~1.6 % (one standard error) of the true
                // value.
                assertEquals(c[1], variance, 0.1 * c[1], "noise variance for σ² = " + c[0]);
                assertEquals(
                        0.0,
                        mean,
                        5 * Math.sqrt(c[1] / codes.length),
                        "noise mean for σ² = " + c[0]);
            }
        }
    }

    @Test
    void trainStepLossIsGammaTimesExpectedDistancePlusBetaTimesMarginalKl() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GmVqQuantizer quantizer = new GmVqQuantizer(config(2, 2, 0.5, 0.5, 0.1, 1.0, true));
            ParameterSet params = withCodebook(manager, 2, 2, new float[] {0, 0, 2, 0});
            // Positions ẑ = (1, 0) and (0, 0): d = (1, 1) and (0, 4).
            NDArray zHat = manager.create(new float[] {1, 0, 0, 0}, new Shape(1, 2, 1, 2));
            QuantizerStep step = quantizer.trainStep(params, zHat, 0.5);
            // q = (½, ½) and (1, e⁻⁴)/(1 + e⁻⁴) = (0.98201379, 0.01798621).
            // Expected distance: mean(1, 4 · 0.01798621) / L = 0.26798621.
            // q̄ = (0.74100690, 0.25899310); KL = ln 2 − H(q̄) = 0.12114608.
            assertEquals(0.26798621f, step.terms().get("distance").getFloat(), 1e-5f);
            assertEquals(0.12114608f, step.terms().get("marginal_kl").getFloat(), 1e-5f);
            assertEquals(0.26798621f + 0.1f * 0.12114608f, step.loss().getFloat(), 1e-5f);
        }
    }

    @Test
    void trainStepMarginalKlOfHardAssignmentsMatchesCodeFrequencies() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GmVqQuantizer quantizer = new GmVqQuantizer(config(3, 2, 0.5, 0.5, 0.1, 2.0, true));
            ParameterSet params = withCodebook(manager, 3, 2, FAR_CODES);
            // Positions on codes 0, 0, 1, 2: q is one-hot up to e⁻²⁵, q̄ = (½, ¼, ¼).
            NDArray zHat =
                    manager.create(new float[] {0, 0, 3, -4, 0, 0, 4, 3}, new Shape(1, 2, 2, 2));
            QuantizerStep step = quantizer.trainStep(params, zHat, 1.0);
            // KL = ln 3 − 1.0397207708 = 0.0588915178; the distance term is ~1e-9.
            assertEquals(0.05889152f, step.terms().get("marginal_kl").getFloat(), 1e-5f);
            assertEquals(0f, step.terms().get("distance").getFloat(), 1e-6f);
            assertEquals(0.1f * 0.05889152f, step.loss().getFloat(), 1e-5f);
        }
    }
}
