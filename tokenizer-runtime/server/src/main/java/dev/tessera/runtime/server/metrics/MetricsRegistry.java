package dev.tessera.runtime.server.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The metric families of one process, rendered together in the Prometheus text exposition format
 * (version 0.0.4). A small hand-written alternative to a metrics library: counters, callback gauges
 * and fixed-bucket histograms are all this server needs. Thread-safe.
 */
public final class MetricsRegistry {

    /** The content type of {@link #scrape()}'s text. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final List<MetricFamily> families = new CopyOnWriteArrayList<>();

    /** Registers a counter with these label names. */
    public Counter counter(String name, String help, String... labelNames) {
        return add(new Counter(name, help, labelNames));
    }

    /** Registers a histogram with these bucket upper bounds and label names. */
    public Histogram histogram(String name, String help, double[] bounds, String... labelNames) {
        return add(new Histogram(name, help, bounds, labelNames));
    }

    /**
     * Registers a gauge whose samples (label values → value) are read from {@code samples} at every
     * scrape.
     */
    public Gauge gauge(
            String name,
            String help,
            List<String> labelNames,
            Supplier<Map<List<String>, Double>> samples) {
        return add(new Gauge(name, help, labelNames, samples));
    }

    private synchronized <T extends MetricFamily> T add(T family) {
        for (MetricFamily f : families) {
            if (f.name().equals(family.name())) {
                throw new IllegalArgumentException(
                        "metric " + family.name() + " is registered twice");
            }
        }
        families.add(family);
        return family;
    }

    /** Every family in registration order, as Prometheus text. */
    public String scrape() {
        StringBuilder out = new StringBuilder(4096);
        for (MetricFamily f : families) {
            f.writeTo(out);
        }
        return out.toString();
    }
}
