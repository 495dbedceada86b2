package dev.tessera.runtime.server;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads sample values out of Prometheus text, for assertions. A sample is named by its metric name
 * and its labels as {@code name=value} pairs in any order, since the exposition sorts labels by
 * name.
 */
public final class ScrapedMetrics {

    private static final Pattern SAMPLE =
            Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)$");
    private static final Pattern LABEL =
            Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final String text;

    public ScrapedMetrics(String text) {
        this.text = text;
    }

    /**
     * The value of the sample with exactly this name and these labels.
     *
     * @param labels label names and values, alternating: {@code "model", "toy", "op", "encode"}
     * @throws AssertionError if there is no such sample
     */
    public double value(String name, String... labels) {
        Double v = find(name, labels);
        if (v == null) {
            throw new AssertionError("no sample " + name + pairs(labels) + " in:\n" + text);
        }
        return v;
    }

    /** True if there is a sample with exactly this name and these labels. */
    public boolean has(String name, String... labels) {
        return find(name, labels) != null;
    }

    private Double find(String name, String... labels) {
        Map<String, String> wanted = pairs(labels);
        Matcher m = SAMPLE.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(name) && parse(m.group(2)).equals(wanted)) {
                return Double.parseDouble(m.group(3));
            }
        }
        return null;
    }

    private static Map<String, String> parse(String labels) {
        Map<String, String> parsed = new HashMap<>();
        if (labels != null) {
            Matcher m = LABEL.matcher(labels);
            while (m.find()) {
                parsed.put(m.group(1), m.group(2));
            }
        }
        return parsed;
    }

    private static Map<String, String> pairs(String... labels) {
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("expected label names and values in pairs");
        }
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            map.put(labels[i], labels[i + 1]);
        }
        return map;
    }

    @Override
    public String toString() {
        return text;
    }
}
