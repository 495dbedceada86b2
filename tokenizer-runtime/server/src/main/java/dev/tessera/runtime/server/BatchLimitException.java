package dev.tessera.runtime.server;

/** A batch is larger than the server accepts; sent back as {@code RESOURCE_EXHAUSTED}. */
final class BatchLimitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BatchLimitException(String field, long count, int limit) {
        super(
                field
                        + ": batch of "
                        + count
                        + " is over this server's limit of "
                        + limit
                        + "; split it into smaller batches");
    }

    static void check(String field, long count, int limit) {
        if (count > limit) {
            throw new BatchLimitException(field, count, limit);
        }
    }
}
