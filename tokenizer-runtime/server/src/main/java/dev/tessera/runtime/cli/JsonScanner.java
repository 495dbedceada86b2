package dev.tessera.runtime.cli;

/**
 * Reads the JSON values a token file is made of (objects, arrays, strings and whole numbers) from
 * text, strictly by RFC 8259, reporting every problem with its line and column. Hand-written
 * because the runtime's only JSON library (protobuf's JsonFormat) cannot read free-form JSON
 * without Gson, which is not on its compile classpath; a token file needs no more than this.
 */
final class JsonScanner {

    private final String text;
    private int pos;

    /**
     * @param text the whole JSON document
     */
    JsonScanner(String text) {
        this.text = text;
    }

    /** Skips whitespace, then consumes {@code c} if it comes next. */
    boolean tryConsume(char c) {
        skipSpace();
        if (pos < text.length() && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    /**
     * Skips whitespace, then consumes {@code c}.
     *
     * @throws IllegalArgumentException saying what was expected and where
     */
    void expect(char c, String what) {
        if (!tryConsume(c)) {
            throw error("expected " + what + " ('" + c + "')");
        }
    }

    /**
     * @throws IllegalArgumentException unless only whitespace is left
     */
    void expectEnd() {
        skipSpace();
        if (pos < text.length()) {
            throw error("unexpected text after the JSON object");
        }
    }

    /**
     * Reads a string value with its escapes resolved.
     *
     * @param field the key or position being read, for messages
     */
    String readString(String field) {
        skipSpace();
        if (pos >= text.length() || text.charAt(pos) != '"') {
            throw error(field + ": expected a string");
        }
        pos++;
        StringBuilder s = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error(field + ": the string is not closed");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return s.toString();
            }
            if (c < 0x20) {
                pos--;
                throw error(field + ": a control character must be escaped in a JSON string");
            }
            s.append(c == '\\' ? escape(field) : c);
        }
    }

    private char escape(String field) {
        if (pos >= text.length()) {
            throw error(field + ": the string is not closed");
        }
        char c = text.charAt(pos++);
        return switch (c) {
            case '"', '\\', '/' -> c;
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> unicodeEscape(field);
            default -> {
                pos--;
                throw error(field + ": unknown escape \\" + c);
            }
        };
    }

    private char unicodeEscape(String field) {
        if (pos + 4 > text.length()) {
            throw error(field + ": \\u needs four hexadecimal digits");
        }
        try {
            char c = (char) Integer.parseInt(text.substring(pos, pos + 4), 16);
            pos += 4;
            return c;
        } catch (NumberFormatException e) {
            throw error(field + ": \\u needs four hexadecimal digits");
        }
    }

    /**
     * Reads a whole number that fits an int32.
     *
     * @param field the key or position being read, for messages
     */
    int readInt(String field) {
        skipSpace();
        int start = pos;
        if (pos < text.length() && text.charAt(pos) == '-') {
            pos++;
        }
        int digitsStart = pos;
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
        }
        int digits = pos - digitsStart;
        while (pos < text.length() && ".eE+-".indexOf(text.charAt(pos)) >= 0
                || pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
        }
        String number = text.substring(start, pos);
        boolean leadingZero = digits > 1 && text.charAt(digitsStart) == '0';
        if (digits == 0 || leadingZero || pos - digitsStart != digits) {
            pos = start;
            throw error(
                    field
                            + ": expected a whole number, got "
                            + (number.isEmpty() ? describeNext() : number));
        }
        try {
            return Integer.parseInt(number);
        } catch (NumberFormatException e) {
            pos = start;
            throw error(field + ": " + number + " does not fit an int32");
        }
    }

    private String describeNext() {
        return pos >= text.length() ? "the end of the text" : "'" + text.charAt(pos) + "'";
    }

    private void skipSpace() {
        while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
    }

    /** Skips whitespace and returns where the next value starts, for {@link #errorAt}. */
    int nextPosition() {
        skipSpace();
        return pos;
    }

    /** An error at the current position. */
    IllegalArgumentException error(String message) {
        return errorAt(pos, message);
    }

    /** An error at {@code at}, written with its line and column (both counted from 1). */
    IllegalArgumentException errorAt(int at, String message) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < Math.min(at, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        String where =
                at >= text.length()
                        ? "at the end of the text"
                        : "at line " + line + " column " + (at - lineStart + 1);
        return new IllegalArgumentException(message + " " + where);
    }

    /** {@code s} as a JSON string literal, quotes included. */
    static String quote(String s) {
        StringBuilder q = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\r' -> q.append("\\r");
                case '\t' -> q.append("\\t");
                default -> {
                    if (c < 0x20) {
                        q.append(String.format("\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }
}
