package dev.tessera.train.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CodeInformationTest {

    private static final double LN2 = Math.log(2);

    @Test
    void entropyAndKlOfGivenDistributions() {
        assertEquals(1.5 * LN2, CodeInformation.entropy(new double[] {0.5, 0.25, 0.25}), 1e-12);
        assertEquals(0, CodeInformation.entropy(new double[] {1, 0, 0}), 0);
        assertEquals(
                0.5 * Math.log(2) + 0.5 * Math.log(0.5 / 0.75),
                CodeInformation.klDivergence(new double[] {0.5, 0.5}, new double[] {0.25, 0.75}),
                1e-12);
        assertEquals(
                Double.POSITIVE_INFINITY,
                CodeInformation.klDivergence(new double[] {0.5, 0.5}, new double[] {1, 0}));
    }

    @Test
    void codesIndependentOfTheImageCarryNoInformation() {
        // K = 4, one position; every image has the same posterior (½, ½, 0, 0).
        CodeInformation info = new CodeInformation(4, 1);
        for (int n = 0; n < 5; n++) {
            info.addPosteriors(new double[] {0.5, 0.5, 0, 0});
        }
        InformationMetrics m = info.metrics();
        assertEquals(0, m.mutualInformationNats(), 1e-12);
        assertEquals(Math.log(4) - LN2, m.rateNats(), 1e-12);
        assertEquals(Math.log(4) - LN2, m.marginalKlNats(), 1e-12);
        assertEquals(1, m.collapsedPositions());
    }

    @Test
    void deterministicCodesCarryTheirWholeEntropy() {
        // K = 4, grids of 2 positions. Position 0 takes all four codes equally often, position 1
        // takes codes 0 and 1 equally often: H = log 4 and log 2, all of it information.
        CodeInformation info = new CodeInformation(4, 2);
        info.addCodes(new int[] {0, 0, 1, 1, 2, 0, 3, 1});
        InformationMetrics m = info.metrics();
        assertEquals(Math.log(4) + LN2, m.mutualInformationNats(), 1e-12);
        assertEquals(Math.log(4), m.rateNats(), 1e-12, "a one-hot posterior has zero entropy");
        assertEquals(Math.log(4), m.positionInformation()[0], 1e-12);
        assertEquals(LN2, m.positionInformation()[1], 1e-12);
        assertEquals(0, m.positionMarginalKl()[0], 1e-12);
        assertEquals(LN2, m.positionMarginalKl()[1], 1e-12);
        // Pooled over positions: codes (0,1,2,3) seen (3,3,1,1) times of 8.
        double pooled = CodeInformation.entropy(new double[] {3 / 8.0, 3 / 8.0, 1 / 8.0, 1 / 8.0});
        assertEquals(Math.log(4) - pooled, m.marginalKlNats(), 1e-12);
        assertEquals(0, m.collapsedPositions());
    }

    @Test
    void softPosteriorsMixingSharpAndUncertainImages() {
        // K = 2, one position: q = (1, 0) for one image, (½, ½) for the other.
        // q̄ = (¾, ¼); E H(q) = ½ log 2; I = H(q̄) − ½ log 2.
        CodeInformation info = new CodeInformation(2, 1);
        info.addPosteriors(new double[] {1, 0, 0.5, 0.5});
        InformationMetrics m = info.metrics();
        double marginal = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
        assertEquals(marginal - 0.5 * LN2, m.mutualInformationNats(), 1e-12);
        assertEquals(LN2 - 0.5 * LN2, m.rateNats(), 1e-12);
        assertEquals(LN2 - marginal, m.marginalKlNats(), 1e-12);
        // Per position, rate = mutual information + marginal KL.
        assertEquals(m.rateNats(), m.positionInformation()[0] + m.positionMarginalKl()[0], 1e-12);
    }

    @Test
    void mutualInformationPerPositionStaysWithinZeroAndLogK() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        int k = 16;
        CodeInformation info = new CodeInformation(k, 3);
        for (int n = 0; n < 300; n++) {
            double[] q = new double[3 * k];
            for (int pos = 0; pos < 3; pos++) {
                double total = 0;
                for (int c = 0; c < k; c++) {
                    q[pos * k + c] = Math.pow(random.nextDouble(), 8);
                    total += q[pos * k + c];
                }
                for (int c = 0; c < k; c++) {
                    q[pos * k + c] /= total;
                }
            }
            info.addPosteriors(q);
        }
        InformationMetrics m = info.metrics();
        for (double v : m.positionInformation()) {
            assertEquals(true, v >= 0 && v <= Math.log(k), "I = " + v);
        }
        // Rate bounds information position by position, so on average too.
        assertTrue(m.rateNats() >= m.mutualInformationNats() / 3 - 1e-12);
        assertTrue(m.mutualInformationNats() > 0);
    }

    @Test
    void refusesPartialGrids() {
        CodeInformation info = new CodeInformation(4, 3);
        assertThrows(IllegalArgumentException.class, () -> info.addCodes(new int[] {0, 1}));
        assertThrows(IllegalStateException.class, info::metrics);
    }
}
