package dev.tessera.runtime;

/** What an exception chain says, for error messages a user reads. */
public final class Causes {

    private Causes() {}

    /**
     * The message of the innermost cause of {@code t} ({@code "null"} when it has none): the part
     * that says why (a certificate that does not parse, a port in use), where the outer exceptions
     * only say what was being done.
     */
    public static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }
}
