package dev.tessera.runtime.server;

import java.util.Locale;

/**
 * One log line of {@code key=value} pairs, e.g. {@code event=call_failed method=Encode
 * request_id=r-7 code=INVALID_ARGUMENT message="pixels.shape: ..."}, so that log tools can filter
 * on fields without parsing sentences. Values with spaces, quotes or {@code =} are quoted; line
 * breaks are escaped so that one event is always one line.
 */
final class StructuredLog {

    private final StringBuilder line = new StringBuilder(128);

    private StructuredLog(String event) {
        line.append("event=").append(event);
    }

    static StructuredLog event(String event) {
        return new StructuredLog(event);
    }

    StructuredLog with(String key, Object value) {
        line.append(' ').append(key).append('=').append(quote(String.valueOf(value)));
        return this;
    }

    /** A duration in milliseconds with three decimals. */
    StructuredLog withMillis(String key, long nanos) {
        line.append(' ').append(key).append('=');
        line.append(String.format(Locale.ROOT, "%.3f", nanos / 1e6));
        return this;
    }

    static String quote(String value) {
        boolean plain = !value.isEmpty();
        for (int i = 0; i < value.length() && plain; i++) {
            char c = value.charAt(i);
            plain = c > ' ' && c != '"' && c != '=' && c != '\\' && c < 0x7f;
        }
        if (plain) {
            return value;
        }
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    @Override
    public String toString() {
        return line.toString();
    }
}
