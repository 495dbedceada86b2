package dev.tessera.train.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

class BatchScheduleTest {

    /** The indices of {@code steps} consecutive steps from {@code first}, concatenated. */
    private static int[] run(BatchSchedule schedule, int first, int steps) {
        int batch = schedule.indices(first).length;
        int[] all = new int[steps * batch];
        for (int s = 0; s < steps; s++) {
            System.arraycopy(schedule.indices(first + s), 0, all, s * batch, batch);
        }
        return all;
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        Arrays.setAll(r, i -> i);
        return r;
    }

    @Test
    void everyEpochVisitsEveryIndexExactlyOnce() {
        BatchSchedule schedule = new BatchSchedule(12, 4, 5L);
        assertEquals(3, schedule.stepsPerEpoch());
        for (int epoch = 0; epoch < 3; epoch++) {
            int[] visited = run(schedule, 1 + 3 * epoch, 3);
            int[] sorted = visited.clone();
            Arrays.sort(sorted);
            assertArrayEquals(range(12), sorted, "epoch " + epoch);
        }
    }

    @Test
    void epochsAreShuffledDifferently() {
        BatchSchedule schedule = new BatchSchedule(12, 4, 5L);
        int[] first = run(schedule, 1, 3);
        int[] second = run(schedule, 4, 3);
        assertFalse(Arrays.equals(first, second));
        assertFalse(Arrays.equals(range(12), first), "epoch 0 is not shuffled");
    }

    @Test
    void scheduleDependsOnlyOnTheSeedAndTheStep() {
        BatchSchedule a = new BatchSchedule(12, 4, 5L);
        int[] sequence = run(a, 1, 9);
        // A resumed run asks for step 7 first, then goes back: same batches.
        BatchSchedule b = new BatchSchedule(12, 4, 5L);
        assertArrayEquals(Arrays.copyOfRange(sequence, 24, 28), b.indices(7));
        assertArrayEquals(Arrays.copyOfRange(sequence, 0, 4), b.indices(1));
        assertArrayEquals(Arrays.copyOfRange(sequence, 24, 28), b.indices(7));
        assertArrayEquals(sequence, run(b, 1, 9));

        assertFalse(Arrays.equals(sequence, run(new BatchSchedule(12, 4, 6L), 1, 9)));
    }

    @Test
    void lastPartialBatchIsDropped() {
        BatchSchedule schedule = new BatchSchedule(14, 4, 1L);
        assertEquals(3, schedule.stepsPerEpoch());
        int[] epoch = run(schedule, 1, 3);
        Set<Integer> distinct = new HashSet<>();
        for (int i : epoch) {
            assertTrue(i >= 0 && i < 14);
            distinct.add(i);
        }
        assertEquals(12, distinct.size());
    }

    @Test
    void smallerDataThanOneBatchWrapsAround() {
        BatchSchedule schedule = new BatchSchedule(3, 7, 2L);
        assertEquals(1, schedule.stepsPerEpoch());
        int[] batch = schedule.indices(1);
        assertEquals(7, batch.length);
        int[] firstThree = Arrays.copyOf(batch, 3);
        Arrays.sort(firstThree);
        assertArrayEquals(range(3), firstThree);
        for (int i = 3; i < 7; i++) {
            assertEquals(batch[i - 3], batch[i], "position " + i);
        }
        // Step 2 is the next epoch: a fresh permutation of the same three.
        int[] next = Arrays.copyOf(schedule.indices(2), 3);
        Arrays.sort(next);
        assertArrayEquals(range(3), next);
    }

    @Test
    void emptyDataIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BatchSchedule(0, 4, 1L));
    }
}
