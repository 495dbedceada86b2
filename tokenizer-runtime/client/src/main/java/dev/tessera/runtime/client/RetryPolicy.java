package dev.tessera.runtime.client;

import dev.tessera.api.v1.TokenizerServiceGrpc;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link TokenizerClient} retries a call that failed with {@code UNAVAILABLE} (server not
 * reachable, restarting or shutting down). No other status is retried: a bad request stays bad, and
 * {@code RESOURCE_EXHAUSTED} or {@code DEADLINE_EXCEEDED} retried at once would only add load.
 *
 * <p>gRPC's own retry support carries it out: the policy becomes the {@code retryPolicy} of the
 * channel's service config ({@link #serviceConfig()}). The wait before retry {@code r} (1 for the
 * second attempt) is {@code min(maxBackoff, initialBackoff · multiplier^(r-1))}, scaled by a random
 * factor in [0.8, 1.2] so that many clients cut off together do not come back together. Retries
 * never outlive the call's deadline: when it passes, during an attempt or a wait, the call ends
 * with {@code DEADLINE_EXCEEDED}.
 *
 * <p>gRPC replays a call from a copy of its request, kept until the call commits (its first
 * response arrives, or it ends): a request over 64 MiB (the server's default {@code
 * --max-message-bytes}), or one arriving while the client's copies already hold 256 MiB, is sent
 * once and not retried. A streaming call is retried only until its first response: after that,
 * {@code UNAVAILABLE} ends it.
 *
 * @param maxAttempts attempts in all, the first included; 1 disables retries
 * @param initialBackoff wait before the first retry, positive
 * @param maxBackoff longest wait between attempts before the random factor, at least {@code
 *     initialBackoff}
 * @param multiplier growth of the wait per retry, at least 1
 */
public record RetryPolicy(
        int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier) {

    /** The largest request kept for a retry (gRPC's per-call retry buffer). */
    static final long MAX_RETRIED_REQUEST_BYTES = 64L << 20;

    /** The most request bytes one client keeps for retries at once (gRPC's retry buffer). */
    static final long RETRY_BUFFER_BYTES = 256L << 20;

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
    }

    /** Up to 4 attempts, waiting about 0.1 s, 0.2 s, 0.4 s (±20 %) in between, at most 2 s. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(2), 2.0);
    }

    /** One attempt, no retries. */
    public static RetryPolicy none() {
        return defaults().withMaxAttempts(1);
    }

    /** This policy with another number of attempts. */
    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, initialBackoff, maxBackoff, multiplier);
    }

    /** This policy with other waits: the first and the longest. */
    public RetryPolicy withBackoff(Duration initial, Duration max) {
        return new RetryPolicy(maxAttempts, initial, max, multiplier);
    }

    /** True if a failed call may be tried again. */
    public boolean retries() {
        return maxAttempts > 1;
    }

    /**
     * The gRPC service config that applies this policy to every method of {@code
     * tessera.v1.TokenizerService}, in the JSON-like form {@code
     * ManagedChannelBuilder.defaultServiceConfig} takes (numbers as {@link Double}).
     *
     * @throws IllegalStateException for {@link #none()}: gRPC's retry policy needs two attempts
     */
    public Map<String, ?> serviceConfig() {
        if (!retries()) {
            throw new IllegalStateException("a policy of one attempt has no gRPC retry policy");
        }
        Map<String, ?> retryPolicy =
                Map.of(
                        "maxAttempts", (double) maxAttempts,
                        "initialBackoff", protoDuration(initialBackoff),
                        "maxBackoff", protoDuration(maxBackoff),
                        "backoffMultiplier", multiplier,
                        "retryableStatusCodes", List.of("UNAVAILABLE"));
        Map<String, ?> method =
                Map.of(
                        "name", List.of(Map.of("service", TokenizerServiceGrpc.SERVICE_NAME)),
                        "retryPolicy", retryPolicy);
        return Map.of("methodConfig", List.of(method));
    }

    /** {@code 0.100000000s}: the JSON form of a protobuf Duration that the service config uses. */
    private static String protoDuration(Duration d) {
        return String.format(Locale.ROOT, "%d.%09ds", d.getSeconds(), d.getNano());
    }
}
