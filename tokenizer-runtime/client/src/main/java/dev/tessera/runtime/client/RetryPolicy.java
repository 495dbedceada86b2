package dev.tessera.runtime.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link TokenizerClient} retries a call that failed with {@code UNAVAILABLE} (server not
 * reachable, restarting or shutting down). No other status is retried: a bad request stays bad, and
 * {@code RESOURCE_EXHAUSTED} or {@code DEADLINE_EXCEEDED} retried at once would only add load.
 *
 * <p>The wait before retry {@code r} (1 for the second attempt) is {@code min(maxBackoff,
 * initialBackoff · multiplier^(r-1))}, scaled by a random factor in {@code [1 - jitter, 1 +
 * jitter]} so that many clients cut off together do not come back together, and capped again at
 * {@code maxBackoff}. Retries never outlive the call's deadline.
 *
 * @param maxAttempts attempts in all, the first included; 1 disables retries
 * @param initialBackoff wait before the first retry, positive
 * @param maxBackoff longest wait between attempts, at least {@code initialBackoff}
 * @param multiplier growth of the wait per retry, at least 1
 * @param jitter relative random spread of each wait, in [0, 1]
 */
public record RetryPolicy(
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        double multiplier,
        double jitter) {

    /** Validates every field. */
    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts: expected ≥ 1, got " + maxAttempts);
        }
        if (initialBackoff.isNegative() || initialBackoff.isZero()) {
            throw new IllegalArgumentException(
                    "initialBackoff: expected a positive duration, got " + initialBackoff);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "maxBackoff: expected ≥ initialBackoff ("
                            + initialBackoff
                            + "), got "
                            + maxBackoff);
        }
        if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException(
                    "multiplier: expected a finite number ≥ 1, got " + multiplier);
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter: expected a value in [0, 1], got " + jitter);
        }
    }

    /** Up to 4 attempts, waiting about 0.1 s, 0.2 s, 0.4 s (±20 %) in between, at most 2 s. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(2), 2.0, 0.2);
    }

    /** One attempt, no retries. */
    public static RetryPolicy none() {
        return defaults().withMaxAttempts(1);
    }

    /** This policy with another number of attempts. */
    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, initialBackoff, maxBackoff, multiplier, jitter);
    }

    /** This policy with other waits: the first and the longest. */
    public RetryPolicy withBackoff(Duration initial, Duration max) {
        return new RetryPolicy(maxAttempts, initial, max, multiplier, jitter);
    }

    /** This policy with another random spread. */
    public RetryPolicy withJitter(double newJitter) {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, multiplier, newJitter);
    }

    /**
     * The wait before retry {@code retry}.
     *
     * @param retry 1 for the wait before the second attempt, 2 before the third, ...
     * @param uniform a random number in [0, 1) that picks the point in the jitter range
     * @return the wait in nanoseconds, in {@code [0, maxBackoff]}
     */
    public long backoffNanos(int retry, double uniform) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry: expected ≥ 1, got " + retry);
        }
        double max = maxBackoff.toNanos();
        double base = Math.min(max, initialBackoff.toNanos() * Math.pow(multiplier, retry - 1));
        double spread = 1 - jitter + 2 * jitter * uniform;
        return (long) Math.min(max, base * spread);
    }
}
