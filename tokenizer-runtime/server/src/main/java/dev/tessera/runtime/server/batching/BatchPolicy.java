package dev.tessera.runtime.server.batching;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link DynamicBatcher} merges requests.
 *
 * @param maxBatch most items (images or token grids) in one model run, and so in one request
 * @param maxDelay longest time the oldest waiting request is held back for more to join its batch;
 *     zero runs whatever is queued as soon as the model is free
 * @param queueCapacity most items waiting per batcher; a request that would exceed it is refused at
 *     once instead of queueing without bound (at least {@code maxBatch})
 */
public record BatchPolicy(int maxBatch, Duration maxDelay, int queueCapacity) {

    /** Validates every field. */
    public BatchPolicy {
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch: expected ≥ 1, got " + maxBatch);
        }
        if (maxDelay.isNegative()) {
            throw new IllegalArgumentException("maxDelay: expected ≥ 0, got " + maxDelay);
        }
        if (queueCapacity < maxBatch) {
            throw new IllegalArgumentException(
                    "queueCapacity: expected ≥ maxBatch ("
                            + maxBatch
                            + ") so that a full request fits, got "
                            + queueCapacity);
        }
    }

    /** Batches of up to 256 items, 2 ms to gather them, 1024 items waiting at most. */
    public static BatchPolicy defaults() {
        return new BatchPolicy(256, Duration.ofMillis(2), 1024);
    }
}
