package dev.tessera.runtime.client;

import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Runs one logical call under one overall deadline, retrying {@code UNAVAILABLE} with the policy's
 * backoff, and turns the final failure into a {@link TokenizerClientException}.
 */
final class RetryingCaller {

    private final RetryPolicy policy;
    private final Duration deadline;
    private final DoubleSupplier random;

    /**
     * @param policy when and how long to wait between attempts
     * @param deadline time allowed for the whole call
     * @param random uniform numbers in [0, 1) for the jitter
     */
    RetryingCaller(RetryPolicy policy, Duration deadline, DoubleSupplier random) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Calls {@code attempt} with the call's deadline until it succeeds, fails with a status other
     * than {@code UNAVAILABLE}, runs out of attempts, or the next wait would pass the deadline.
     */
    <T> T call(String method, Function<Deadline, T> attempt) {
        Deadline callDeadline = Deadline.after(deadline.toNanos(), TimeUnit.NANOSECONDS);
        for (int n = 1; ; n++) {
            try {
                return attempt.apply(callDeadline);
            } catch (StatusRuntimeException e) {
                Status status = e.getStatus();
                if (status.getCode() != Status.Code.UNAVAILABLE || n >= policy.maxAttempts()) {
                    throw failure(method, status, n, e, "");
                }
                long wait = policy.backoffNanos(n, random.getAsDouble());
                if (wait >= callDeadline.timeRemaining(TimeUnit.NANOSECONDS)) {
                    // Sleeping into the deadline would only swap this error for a less useful one.
                    throw failure(
                            method,
                            status,
                            n,
                            e,
                            " (not retried again: the call's deadline of "
                                    + seconds(deadline)
                                    + " leaves no time for another attempt)");
                }
                sleep(method, n, wait);
            }
        }
    }

    private static void sleep(String method, int attempts, long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenizerClientException(
                    method,
                    Status.Code.CANCELLED,
                    "interrupted while waiting to retry",
                    attempts,
                    e);
        }
    }

    private static TokenizerClientException failure(
            String method, Status status, int attempts, Throwable cause, String note) {
        return new TokenizerClientException(
                method, status.getCode(), describe(status) + note, attempts, cause);
    }

    /**
     * The status description on one line, plus the transport's underlying reason when gRPC has one
     * (connection refused, certificate not trusted): that is what a user can act on.
     */
    static String describe(Status status) {
        String text = oneLine(status.getDescription());
        Throwable cause = status.getCause();
        Throwable root = cause;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        // The direct cause names the address; the root cause says why (certificate, refusal).
        String reason = cause == null ? "" : oneLine(cause.getMessage());
        String rootReason = root == null ? "" : oneLine(root.getMessage());
        if (!rootReason.isEmpty() && !reason.contains(rootReason)) {
            reason = reason.isEmpty() ? rootReason : reason + ": " + rootReason;
        }
        if (!reason.isEmpty() && !text.contains(reason)) {
            text = text.isEmpty() ? reason : text + " (" + reason + ")";
        }
        return text.isEmpty() ? "no message from the server" : text;
    }

    /** Joins the lines of a message, leaving out Netty's dump of its channel pipeline. */
    private static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        return message.lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("Channel Pipeline:"))
                .collect(Collectors.joining("; "));
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
    }
}
