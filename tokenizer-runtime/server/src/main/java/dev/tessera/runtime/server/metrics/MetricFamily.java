package dev.tessera.runtime.server.metrics;

/**
 * One named metric with its help text and all its labelled time series, able to write itself in the
 * Prometheus text exposition format (version 0.0.4).
 */
public sealed interface MetricFamily permits Counter, Gauge, Histogram {

    /** The metric name, e.g. {@code tessera_requests_total}. */
    String name();

    /** Appends {@code # HELP}, {@code # TYPE} and one line per sample. */
    void writeTo(StringBuilder out);
}
