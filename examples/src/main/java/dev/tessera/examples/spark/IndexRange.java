package dev.tessera.examples.spark;

/**
 * Images {@code [from, to)} of a split: the share of one Spark task.
 *
 * @param from first index
 * @param to one past the last index; equal to {@code from} for an empty share
 */
record IndexRange(int from, int to) {

    IndexRange {
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("bad index range [" + from + ", " + to + ")");
        }
    }

    /**
     * Share {@code slice} of {@code slices} equal shares of {@code count} images; the shares are
     * disjoint, in order, and together cover {@code [0, count)}.
     */
    static IndexRange slice(int slice, int slices, int count) {
        if (slices < 1 || slice < 0 || slice >= slices || count < 0) {
            throw new IllegalArgumentException(
                    "slice " + slice + " of " + slices + " over " + count + " images");
        }
        return new IndexRange(
                (int) ((long) slice * count / slices), (int) ((long) (slice + 1) * count / slices));
    }

    int size() {
        return to - from;
    }
}
