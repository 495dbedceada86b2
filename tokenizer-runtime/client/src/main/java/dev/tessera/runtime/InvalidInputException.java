package dev.tessera.runtime;

import java.util.Objects;

/**
 * A request's input does not fit the tokenizer: wrong shape, size, dtype or a token id outside the
 * codebook. The message names the field and the expected value, for example {@code "pixels.shape:
 * expected [N,1,32,32], got [2,3,32,32]"}; the gRPC server sends it back as {@code
 * INVALID_ARGUMENT}.
 */
public final class InvalidInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String field;

    /**
     * @param field the offending field, as a path into the request ({@code pixels.shape}, {@code
     *     tokens.ids[3]})
     * @param message a sentence that names the field, the expected value and the actual one
     */
    public InvalidInputException(String field, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.field = Objects.requireNonNull(field, "field");
    }

    /** The offending field, as a path into the request. */
    public String field() {
        return field;
    }
}
