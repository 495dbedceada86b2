package dev.tessera.runtime.server;

/** A batch is larger than the server accepts; sent back as {@code RESOURCE_EXHAUSTED}. */
final class BatchLimitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BatchLimitException(String message) {
        super(message);
    }

    /**
     * @param field the request field that holds the batch
     * @throws BatchLimitException if {@code count} is over {@code limit}
     */
    static void check(String field, long count, int limit) {
        if (count > limit) {
            throw new BatchLimitException(
                    field
                            + ": batch of "
                            + count
                            + " is over this server's limit of "
                            + limit
                            + "; split it into smaller batches");
        }
    }

    /**
     * Checks a batch whose items may be larger or smaller than the model's training size, counted
     * in training-size items ({@code units}) against {@code limit}.
     *
     * @param shapeField the field of the batch's shape; its first dimension is the count
     * @param items what the request holds, e.g. {@code images of 64x64}
     * @param trainingItems what the limit counts, e.g. {@code images of 8x8}
     * @throws BatchLimitException if {@code units} is over {@code limit}
     */
    static void check(
            String shapeField,
            long count,
            long units,
            int limit,
            String items,
            String trainingItems) {
        if (units == count) {
            check(shapeField + "[0]", count, limit);
        } else if (units > limit) {
            throw new BatchLimitException(
                    shapeField
                            + ": "
                            + count
                            + " "
                            + items
                            + " count as "
                            + (units == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE : units)
                            + " "
                            + trainingItems
                            + " (the model's training size) toward this server's limit of "
                            + limit
                            + "; send fewer or smaller ones");
        }
    }
}
