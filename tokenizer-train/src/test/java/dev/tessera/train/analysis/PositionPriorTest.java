package dev.tessera.train.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.runtime.TokenBatch;

import org.junit.jupiter.api.Test;

class PositionPriorTest {

    @Test
    void samplesEachPositionFromItsOwnFrequencies() {
        // 1×2 grids: position 0 always code 2; position 1 is code 0 once and code 3 three times.
        PositionPrior prior = new PositionPrior(4, 1, 2);
        prior.add(new TokenBatch(4, 1, 2, new int[] {2, 0, 2, 3, 2, 3, 2, 3}));
        assertArrayEquals(new long[] {1, 0, 0, 3}, prior.counts(1));

        TokenBatch samples = prior.sample(40_000, 7);
        int threes = 0;
        for (int n = 0; n < samples.count(); n++) {
            assertEquals(2, samples.id(n, 0, 0));
            int second = samples.id(n, 0, 1);
            assertEquals(true, second == 0 || second == 3, "only codes seen there: " + second);
            threes += second == 3 ? 1 : 0;
        }
        // Binomial(40000, 0.75): standard deviation about 87, so 0.75 ± 0.01 is over 4 sigma.
        assertEquals(0.75, threes / 40_000.0, 0.01);
        assertEquals(samples, prior.sample(40_000, 7), "same seed, same grids");
    }

    @Test
    void refusesGridsOfAnotherShapeAndIdsOutsideTheCodebook() {
        PositionPrior prior = new PositionPrior(4, 2, 2);
        assertThrows(
                IllegalArgumentException.class,
                () -> prior.add(new TokenBatch(1, 1, 4, new int[] {0, 1, 2, 3})));
        assertThrows(
                IllegalArgumentException.class,
                () -> prior.add(new TokenBatch(1, 2, 2, new int[] {0, 1, 2, 4})));
        assertThrows(IllegalStateException.class, () -> prior.sample(1, 1));
    }
}
