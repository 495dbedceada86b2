package dev.tessera.runtime.server;

import dev.tessera.api.v1.ModelRef;
import dev.tessera.runtime.InvalidInputException;

/**
 * The rule for model names and versions, which are also directory names in a model repository: one
 * path segment of at most 128 characters, not starting with a dot, without {@code /}, {@code \} or
 * control characters. So a name can never reach outside the repository ({@code ..}, absolute
 * paths), and hidden staging directories (the trainer writes {@code .name.tmp-*} siblings) are
 * never mistaken for models.
 */
final class ModelNames {

    static final int MAX_LENGTH = 128;

    private ModelNames() {}

    /** Null if {@code value} is a valid name or version, else what is wrong with it. */
    static String problem(String value) {
        if (value.isEmpty()) {
            return "is empty";
        }
        if (value.length() > MAX_LENGTH) {
            return "is " + value.length() + " characters long, over " + MAX_LENGTH;
        }
        if (value.startsWith(".")) {
            return "starts with a dot";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '/' || c == '\\') {
                return "contains a path separator";
            }
            if (Character.isISOControl(c)) {
                return "contains a control character";
            }
        }
        return null;
    }

    static boolean isValid(String value) {
        return problem(value) == null;
    }

    /**
     * Checks the name and version a request gives (either may be empty: it selects the default).
     *
     * @throws InvalidInputException naming {@code model.name} or {@code model.version}
     */
    static void checkRequest(ModelRef ref) {
        check("model.name", ref.getName());
        check("model.version", ref.getVersion());
    }

    /**
     * Checks a name or version a request gives under {@code field}; empty passes (it selects the
     * default).
     *
     * @throws InvalidInputException naming {@code field}
     */
    static void check(String field, String value) {
        if (value.isEmpty()) {
            return;
        }
        String problem = problem(value);
        if (problem != null) {
            String shown = value.length() > 40 ? value.substring(0, 40) + "…" : value;
            throw new InvalidInputException(
                    field,
                    field
                            + ": expected a name of at most "
                            + MAX_LENGTH
                            + " characters without '/', '\\', control characters or a leading"
                            + " dot, got \""
                            + shown.replaceAll("\\p{Cntrl}", "?")
                            + "\", which "
                            + problem);
        }
    }
}
