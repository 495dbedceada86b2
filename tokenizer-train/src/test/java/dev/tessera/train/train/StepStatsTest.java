package dev.tessera.train.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Step values kept where they were computed and read in one transfer. */
class StepStatsTest {

    private static StepStats.Values values(
            NDManager m, float loss, float mse, float distance, int... tokens) {
        Map<String, NDArray> terms = new LinkedHashMap<>();
        terms.put("distance", m.create(distance));
        return new StepStats.Values(
                m.create(loss), m.create(mse), terms, m.create(tokens, new Shape(tokens.length)));
    }

    private static StepStats.Window twoSteps(boolean countOnDevice) {
        try (NDManager manager = NDManager.newBaseManager();
                StepStats stats = new StepStats(manager, 6, countOnDevice)) {
            try (NDManager step = manager.newSubManager()) {
                stats.record(3, List.of(values(step, 0.5f, 0.25f, 2f, 1, 1, 4)));
            }
            try (NDManager step = manager.newSubManager()) {
                // two shards: the row kept is their mean
                stats.record(
                        4,
                        List.of(
                                values(step, 1f, 0.5f, 1f, 0),
                                values(step, Float.NaN, 0.25f, 3f, 5)));
            }
            StepStats.Window window = stats.read();
            assertEquals(0, stats.read().size(), "a read starts a new window");
            return window;
        }
    }

    @Test
    void aReadGivesEveryStepsValuesAndTheCodesUsed() {
        for (boolean onDevice : new boolean[] {false, true}) {
            StepStats.Window w = twoSteps(onDevice);
            assertArrayEquals(new int[] {3, 4}, w.steps());
            assertEquals(0.5, w.loss(0));
            assertEquals(0.375, w.mse(1));
            assertEquals(List.of("distance"), w.termNames());
            BitSet expected = new BitSet();
            expected.set(0);
            expected.set(1);
            expected.set(4);
            expected.set(5);
            assertEquals(expected, w.used(), "counted on the device: " + onDevice);
        }
    }

    @Test
    void theFirstNonFiniteStepIsFoundWithItsTerms() {
        StepStats.Window w = twoSteps(true);
        assertEquals(1, w.firstNonFinite());
        assertEquals("reconstruction mse 0.375, distance 2.0", w.describeTerms(1));
    }
}
