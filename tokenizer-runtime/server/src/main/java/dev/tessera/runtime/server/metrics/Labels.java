package dev.tessera.runtime.server.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** Label names of a metric family, and the checks and text formatting that go with them. */
final class Labels {

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final List<String> names;

    Labels(String... names) {
        for (String n : names) {
            if (!LABEL_NAME.matcher(n).matches() || n.startsWith("__") || n.equals("le")) {
                throw new IllegalArgumentException(
                        "label name \"" + n + "\": expected [a-zA-Z_][a-zA-Z0-9_]*, not le or __*");
            }
        }
        this.names = List.of(names);
    }

    static String checkMetricName(String name) {
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "metric name \"" + name + "\": expected [a-zA-Z_:][a-zA-Z0-9_:]*");
        }
        return name;
    }

    int size() {
        return names.size();
    }

    /** The values as an immutable key, after checking that there is one per label name. */
    List<String> key(String... values) {
        if (values.length != names.size()) {
            throw new IllegalArgumentException(
                    "expected "
                            + names.size()
                            + " label values "
                            + names
                            + ", got "
                            + values.length);
        }
        for (String v : values) {
            if (v == null) {
                throw new IllegalArgumentException("label values must not be null: " + names);
            }
        }
        return List.of(Arrays.copyOf(values, values.length));
    }

    /**
     * {@code {a="x",b="y"}} for the given values, with an optional extra label appended (the
     * histogram's {@code le}); empty when there are no labels at all.
     */
    String format(List<String> values, String extraName, String extraValue) {
        if (names.isEmpty() && extraName == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(names.get(i)).append("=\"").append(escape(values.get(i))).append('"');
        }
        if (extraName != null) {
            if (!names.isEmpty()) {
                sb.append(',');
            }
            sb.append(extraName).append("=\"").append(escape(extraValue)).append('"');
        }
        return sb.append('}').toString();
    }

    static String escape(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    static void writeHeader(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ")
                .append(name)
                .append(' ')
                .append(help.replace("\\", "\\\\").replace("\n", "\\n"))
                .append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** A sample value as Prometheus reads it: integers without a fraction, +Inf, -Inf, NaN. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
