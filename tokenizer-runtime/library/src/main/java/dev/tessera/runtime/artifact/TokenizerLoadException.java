package dev.tessera.runtime.artifact;

/**
 * A tokenizer directory cannot be used: a file is missing, unreadable or corrupt (SHA-256
 * mismatch), the manifest is invalid or of an unknown schema version, or an ONNX graph does not
 * match the manifest. The message names the file and says what to do.
 */
public final class TokenizerLoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message a sentence naming the file and the problem
     */
    public TokenizerLoadException(String message) {
        super(message);
    }

    /**
     * @param message a sentence naming the file and the problem
     * @param cause the underlying I/O or ONNX Runtime error
     */
    public TokenizerLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
