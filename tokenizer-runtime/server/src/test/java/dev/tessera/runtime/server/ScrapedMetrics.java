package dev.tessera.runtime.server;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads sample values out of Prometheus text, for assertions. */
final class ScrapedMetrics {

    private final String text;

    ScrapedMetrics(String text) {
        this.text = text;
    }

    /** The value of the sample with exactly this name and label text, e.g. {@code {a="b"}}. */
    double value(String name, String labels) {
        Matcher m =
                Pattern.compile("(?m)^" + Pattern.quote(name + labels) + " (\\S+)$").matcher(text);
        if (!m.find()) {
            throw new AssertionError("no sample " + name + labels + " in:\n" + text);
        }
        return Double.parseDouble(m.group(1));
    }

    boolean has(String name, String labels) {
        return Pattern.compile("(?m)^" + Pattern.quote(name + labels) + " ").matcher(text).find();
    }

    @Override
    public String toString() {
        return text;
    }
}
