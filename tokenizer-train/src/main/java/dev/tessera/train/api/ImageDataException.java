package dev.tessera.train.api;

/**
 * A data set cannot be opened or read: a missing or corrupt file, an unsupported format or images
 * that do not fit the requested shape. The message names the file and what is wrong with it, in a
 * sentence a user can act on.
 *
 * <p>Stable.
 */
public final class ImageDataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ImageDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
