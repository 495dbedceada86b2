package dev.tessera.runtime.onnx;

/**
 * A {@link Tokenizer} was used after {@link Tokenizer#close()}; the server reports it as
 * UNAVAILABLE.
 */
public final class TokenizerClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * @param name the closed tokenizer's name and version, for the message
     */
    public TokenizerClosedException(String name) {
        super("tokenizer " + name + " is closed");
    }
}
