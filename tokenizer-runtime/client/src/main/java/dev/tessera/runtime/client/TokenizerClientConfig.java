package dev.tessera.runtime.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link TokenizerClient} connects and calls. Build one with {@link TokenizerClient#builder},
 * or directly.
 *
 * @param target {@code host:port} (or any gRPC target URI such as {@code dns:///host:443}), or
 *     {@code in-process:NAME} for a server started with {@code TokenizerServer.startInProcess}
 *     under NAME
 * @param tls TLS settings; null for plaintext
 * @param bearerToken sent as {@code authorization: Bearer <token>} on every call; null for none.
 *     Over plaintext anyone on the path can read it, so use TLS beyond localhost
 * @param deadline time allowed for a whole call, retries and the waits between them included
 * @param retry how {@code UNAVAILABLE} is retried
 * @param maxInboundMessageBytes largest response accepted (a decoded batch of large images can pass
 *     gRPC's 4 MiB default)
 */
public record TokenizerClientConfig(
        String target,
        TlsSettings tls,
        String bearerToken,
        Duration deadline,
        RetryPolicy retry,
        int maxInboundMessageBytes) {

    /** The prefix of an in-process target, as {@code TokenizerServer.address()} writes it. */
    public static final String IN_PROCESS_PREFIX = "in-process:";

    /** The deadline of a call unless configured: 30 s. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);

    /** The largest response accepted unless configured: 64 MiB. */
    public static final int DEFAULT_MAX_INBOUND_MESSAGE_BYTES = 64 << 20;

    /** Validates every field. */
    public TokenizerClientConfig {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(retry, "retry");
        if (target.isBlank() || target.equals(IN_PROCESS_PREFIX)) {
            throw new IllegalArgumentException(
                    "target: expected host:port (for example localhost:50051), got \""
                            + target
                            + "\"");
        }
        if (tls != null && inProcess(target)) {
            throw new IllegalArgumentException(
                    "tls: an in-process target (" + target + ") does not use TLS; remove it");
        }
        if (bearerToken != null && (bearerToken.isBlank() || hasLineBreak(bearerToken))) {
            throw new IllegalArgumentException(
                    "bearerToken: expected a non-empty token on one line");
        }
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException(
                    "deadline: expected a positive duration, got " + deadline);
        }
        if (maxInboundMessageBytes < 1024) {
            throw new IllegalArgumentException(
                    "maxInboundMessageBytes: expected ≥ 1024, got " + maxInboundMessageBytes);
        }
    }

    /** Plaintext to {@code target}, no token, the default deadline, retries and message size. */
    public static TokenizerClientConfig forTarget(String target) {
        return new TokenizerClientConfig(
                target,
                null,
                null,
                DEFAULT_DEADLINE,
                RetryPolicy.defaults(),
                DEFAULT_MAX_INBOUND_MESSAGE_BYTES);
    }

    /** True for an {@code in-process:NAME} target. */
    public boolean inProcess() {
        return inProcess(target);
    }

    private static boolean inProcess(String target) {
        return target.startsWith(IN_PROCESS_PREFIX);
    }

    private static boolean hasLineBreak(String s) {
        return s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
    }

    /** Like the record's, but never prints the bearer token. */
    @Override
    public String toString() {
        return "TokenizerClientConfig[target="
                + target
                + ", tls="
                + (tls == null ? "off" : tls)
                + ", bearerToken="
                + (bearerToken == null ? "none" : "(set)")
                + ", deadline="
                + deadline
                + ", retry="
                + retry
                + ", maxInboundMessageBytes="
                + maxInboundMessageBytes
                + "]";
    }
}
