package dev.tessera.runtime.server;

/**
 * A request names a model or version the server does not hold; sent back as {@code NOT_FOUND}. The
 * message names the field ({@code model.name} or {@code model.version}) and what the server does
 * hold.
 */
public final class UnknownModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String field;

    /**
     * @param field {@code model.name} or {@code model.version}
     * @param message a sentence naming the field, the requested value and what exists
     */
    public UnknownModelException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** {@code model.name} or {@code model.version}. */
    public String field() {
        return field;
    }
}
