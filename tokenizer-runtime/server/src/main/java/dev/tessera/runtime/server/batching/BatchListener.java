package dev.tessera.runtime.server.batching;

/**
 * Hears what a {@link DynamicBatcher} does, for metrics. Called on the batcher's thread, or for
 * {@link #dropped} on the thread that cancelled the call; implementations must be thread-safe and
 * quick.
 */
public interface BatchListener {

    /** Does nothing. */
    BatchListener NONE = new BatchListener() {};

    /**
     * A model run finished (successfully or not).
     *
     * @param items images or grids in the run
     * @param requests requests merged into it
     * @param nanos wall time of the run
     */
    default void batchRan(int items, int requests, long nanos) {}

    /**
     * A queued request was dropped before its turn because its call was cancelled or its deadline
     * passed.
     *
     * @param deadlineExceeded true for a passed deadline, false for a cancelled call
     */
    default void dropped(boolean deadlineExceeded) {}
}
