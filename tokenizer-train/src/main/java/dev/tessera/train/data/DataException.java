package dev.tessera.train.data;

/**
 * A data set cannot be opened or read: a missing or corrupt file, an unsupported format or images
 * that do not fit the configured shape. The message names the file and what is wrong with it.
 */
public final class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
