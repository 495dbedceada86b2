package dev.tessera.train.data;

import java.util.Arrays;
import java.util.Random;

/**
 * Splits a source without a split of its own into train and test parts: a seeded random share of
 * the images is held out. The same seed and size always give the same split.
 */
final class HoldOutSplit {

    private HoldOutSplit() {}

    /**
     * Holds out {@code round(fraction · count)} images (at least one, and at least one left to
     * train on), chosen by a shuffle seeded with {@code seed}.
     *
     * @throws DataException if the source has fewer than 2 images
     */
    static DataSplits split(ImageSource all, double fraction, long seed) {
        int n = all.count();
        if (n < 2) {
            throw new DataException(
                    all.describe()
                            + ": "
                            + n
                            + " image is too few for a train/test split; it needs at least 2");
        }
        int testCount = (int) Math.max(1, Math.min(n - 1, Math.round(fraction * n)));
        int[] order = shuffled(n, seed);
        // Sorted parts read a streaming folder front to back instead of seeking at random.
        int[] test = Arrays.copyOfRange(order, 0, testCount);
        int[] train = Arrays.copyOfRange(order, testCount, n);
        Arrays.sort(test);
        Arrays.sort(train);
        String part = " of " + all.describe() + " (hold-out seed " + seed + ")";
        return new DataSplits(
                new SubsetImages(all, train, train.length + " train images" + part),
                new SubsetImages(all, test, test.length + " test images" + part),
                String.format(
                        "%s; held out %d of %d images (%.3g%%, seed %d) for testing",
                        all.describe(), testCount, n, 100.0 * testCount / n, seed));
    }

    /**
     * A Fisher-Yates shuffle of 0..n-1. java.util.Random, because its algorithm is fixed by its
     * specification, so a seed names the same split on every JDK.
     */
    private static int[] shuffled(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
