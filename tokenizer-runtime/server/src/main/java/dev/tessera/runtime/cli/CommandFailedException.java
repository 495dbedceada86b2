package dev.tessera.runtime.cli;

/**
 * A command could not do its work for a reason the user can fix (a missing or wrongly sized image,
 * a token that is out of range, a server that refused): the CLI prints the message as one line and
 * exits with status 1.
 */
final class CommandFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * @param message a sentence naming the file or setting at fault and what was expected
     */
    CommandFailedException(String message) {
        super(message);
    }

    /**
     * @param message a sentence naming the file or setting at fault and what was expected
     * @param cause the underlying exception, printed with {@code --verbose}
     */
    CommandFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
