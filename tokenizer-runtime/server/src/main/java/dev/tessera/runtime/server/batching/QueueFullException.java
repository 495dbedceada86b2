package dev.tessera.runtime.server.batching;

/**
 * A batcher's queue has no room for a request; the server answers {@code RESOURCE_EXHAUSTED}. The
 * message says how full the queue is and what to do.
 */
public final class QueueFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    QueueFullException(String batcher, int queued, int incoming, int capacity) {
        super(
                batcher
                        + ": the queue holds "
                        + queued
                        + " of at most "
                        + capacity
                        + " images or grids, no room for "
                        + incoming
                        + " more; retry with backoff or spread the load over more servers");
    }
}
