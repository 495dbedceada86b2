package dev.tessera.runtime.server.batching;

/** A request reached a batcher that is shut down; the server answers {@code UNAVAILABLE}. */
public final class BatcherClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    BatcherClosedException(String batcher) {
        super(batcher + " is shut down; retry, the model may have been unloaded or replaced");
    }
}
