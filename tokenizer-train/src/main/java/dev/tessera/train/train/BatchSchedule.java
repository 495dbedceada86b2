package dev.tessera.train.train;

import java.util.SplittableRandom;

/**
 * Which images each step trains on: every epoch is a fresh seeded permutation of the data cut into
 * batches (the last partial batch dropped). The batch of a step depends only on the seed and the
 * step, so a resumed run sees exactly the batches an uninterrupted one would.
 */
final class BatchSchedule {

    private final int count;
    private final int batchSize;
    private final long seed;
    private int cachedEpoch = -1;
    private int[] permutation;

    BatchSchedule(int count, int batchSize, long seed) {
        if (count < 1) {
            throw new IllegalArgumentException("the training set is empty");
        }
        this.count = count;
        this.batchSize = batchSize;
        this.seed = seed;
    }

    /** Steps per epoch: whole batches in the data, at least one. */
    int stepsPerEpoch() {
        return Math.max(1, count / batchSize);
    }

    /** Image indices of step {@code step} (from 1). */
    int[] indices(int step) {
        int epoch = (step - 1) / stepsPerEpoch();
        int batch = (step - 1) % stepsPerEpoch();
        int[] perm = permutation(epoch);
        int[] out = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            // Wraps around only when the data set is smaller than one batch.
            out[i] = perm[(batch * batchSize + i) % count];
        }
        return out;
    }

    private int[] permutation(int epoch) {
        if (epoch != cachedEpoch) {
            SplittableRandom random = new SplittableRandom(Seeds.mix(seed, 0xE90C, epoch));
            int[] perm = new int[count];
            for (int i = 0; i < count; i++) {
                perm[i] = i;
            }
            for (int i = count - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            permutation = perm;
            cachedEpoch = epoch;
        }
        return permutation;
    }
}
