package dev.tessera.runtime.client;

import io.grpc.Status;

import java.util.Objects;

/**
 * A {@link TokenizerClient} call failed: the server refused it, could not be reached, or answered
 * with something that is not a valid response. Carries the gRPC status code and the server's own
 * message, which for {@code INVALID_ARGUMENT} names the request field and the expected value (for
 * example {@code tokens.ids[10]: expected a token id in [0,16), got 16}).
 */
public final class TokenizerClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String method;
    private final Status.Code code;
    private final String description;
    private final int attempts;

    /**
     * @param method the gRPC method, for example {@code Encode}
     * @param code the status code of the last attempt
     * @param description the server's message (or the client's, for a transport failure)
     * @param attempts how many attempts were made, at least 1
     * @param cause the underlying exception, or null
     */
    public TokenizerClientException(
            String method, Status.Code code, String description, int attempts, Throwable cause) {
        super(message(method, code, description, attempts), cause);
        this.method = Objects.requireNonNull(method, "method");
        this.code = Objects.requireNonNull(code, "code");
        this.description = Objects.requireNonNull(description, "description");
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts: expected ≥ 1, got " + attempts);
        }
        this.attempts = attempts;
    }

    private static String message(
            String method, Status.Code code, String description, int attempts) {
        return method
                + " failed with "
                + code
                + (attempts > 1 ? " after " + attempts + " attempts" : "")
                + ": "
                + description;
    }

    /** The gRPC method that failed, for example {@code Encode}. */
    public String method() {
        return method;
    }

    /** The gRPC status code of the last attempt. */
    public Status.Code code() {
        return code;
    }

    /** The server's message (or the transport's, when the server was not reached). */
    public String description() {
        return description;
    }

    /** How many attempts were made: more than one only for retried {@code UNAVAILABLE}. */
    public int attempts() {
        return attempts;
    }
}
