package dev.tessera.train.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SoftAssignmentsTest {

    /** Two codes on a line: −1 and +1 (K = 2, L = 1). */
    private static final float[] TWO_POINTS = {-1, 1};

    @Test
    void rowsEquidistantFromBothCodesGivePerplexityTwo() {
        SoftAssignments soft = new SoftAssignments(TWO_POINTS, 2, 1, 0.5);
        soft.add(new float[] {0, 0, 0});
        assertEquals(2.0, soft.perplexity(), 1e-12);
    }

    @Test
    void rowsOnOneCodeGivePerplexityOne() {
        SoftAssignments soft = new SoftAssignments(TWO_POINTS, 2, 1, 0.1);
        // d = (0, 4): logits (0, −20), q = (1, 2.06e−9)/(1 + 2.06e−9).
        soft.add(new float[] {-1, -1, -1, -1});
        assertEquals(1.0, soft.perplexity(), 1e-6);
        assertTrue(soft.perplexity() > 1.0);
    }

    @Test
    void sharpRowsSplitEvenlyBetweenCodesGivePerplexityTwo() {
        SoftAssignments soft = new SoftAssignments(TWO_POINTS, 2, 1, 0.01);
        soft.add(new float[] {-1, 1});
        soft.add(new float[] {-1.1f, 0.9f});
        assertEquals(2.0, soft.perplexity(), 1e-9);
    }

    @Test
    void mixedRowsMatchTheHandValue() {
        SoftAssignments soft = new SoftAssignments(TWO_POINTS, 2, 1, 1.0);
        // Row 0 (at 0): q = (½, ½). Row 1 (at −1): d = (0, 4), logits (0, −2), q = (0.8807971,
        // 0.1192029). q̄ = (0.6903985, 0.3096015), H = 0.6187866, exp(H) = 1.8566642.
        soft.add(new float[] {0});
        soft.add(new float[] {-1});
        assertEquals(1.8566641584, soft.perplexity(), 1e-6);
        // max q: ½ and 0.8807971, mean 0.6903985.
        assertEquals(0.6903985, soft.meanMaxPosterior(), 1e-6);
    }

    @Test
    void meanMaxPosteriorIsUnknownBeforeAnyRow() {
        assertTrue(Double.isNaN(new SoftAssignments(TWO_POINTS, 2, 1, 1.0).meanMaxPosterior()));
    }

    @Test
    void twoDimensionalDistancesUseEveryCoordinate() {
        // Codes (0,0) and (0,2); the row (5,1) is equidistant (26 each) despite x far away.
        SoftAssignments soft = new SoftAssignments(new float[] {0, 0, 0, 2}, 2, 2, 0.5);
        soft.add(new float[] {5, 1});
        assertEquals(2.0, soft.perplexity(), 1e-12);
        // (0, 0.5): d = (0.25, 2.25), σ² = ½: logits (−0.25, −2.25), q_1 = 1/(1 + e²).
        SoftAssignments one = new SoftAssignments(new float[] {0, 0, 0, 2}, 2, 2, 0.5);
        one.add(new float[] {0, 0.5f});
        double q1 = 1 / (1 + Math.exp(2));
        double h = -(q1 * Math.log(q1) + (1 - q1) * Math.log(1 - q1));
        assertEquals(Math.exp(h), one.perplexity(), 1e-6);
    }

    @Test
    void farRowsDoNotOverflow() {
        SoftAssignments soft = new SoftAssignments(TWO_POINTS, 2, 1, 1e-4);
        soft.add(new float[] {1000, -1000});
        assertEquals(2.0, soft.perplexity(), 1e-9);
    }

    @Test
    void nothingAddedIsNaNAndBadArgumentsAreRefused() {
        assertTrue(Double.isNaN(new SoftAssignments(TWO_POINTS, 2, 1, 1).perplexity()));
        assertThrows(
                IllegalArgumentException.class, () -> new SoftAssignments(TWO_POINTS, 3, 1, 1));
        assertThrows(
                IllegalArgumentException.class, () -> new SoftAssignments(TWO_POINTS, 2, 1, 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> new SoftAssignments(TWO_POINTS, 2, 1, Double.POSITIVE_INFINITY));
    }
}
