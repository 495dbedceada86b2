package dev.tessera.cli;

/**
 * A command could not do its work for a reason the user can fix (a missing file, a model that does
 * not load, a server that refuses): {@link CommandLines} prints the message as one line and exits
 * with status 1, the stack trace only with {@code --verbose}.
 */
public class CommandFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message a sentence naming the file or setting at fault and what was expected
     */
    public CommandFailedException(String message) {
        super(message);
    }

    /**
     * @param message a sentence naming the file or setting at fault and what was expected
     * @param cause the underlying exception, printed with {@code --verbose}
     */
    public CommandFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
