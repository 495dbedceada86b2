package dev.tessera.runtime.server.metrics;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * A monotonically increasing count per label set (Prometheus type {@code counter}); rates come from
 * {@code rate()} on the scraper's side. Thread-safe and lock-free on the increment path.
 */
public final class Counter implements MetricFamily {

    private final String name;
    private final String help;
    private final Labels labels;
    private final Map<List<String>, DoubleAdder> series = new ConcurrentHashMap<>();

    Counter(String name, String help, String... labelNames) {
        this.name = Labels.checkMetricName(name);
        this.help = help;
        this.labels = new Labels(labelNames);
    }

    /** Adds one to the series of these label values. */
    public void inc(String... labelValues) {
        add(1, labelValues);
    }

    /**
     * Adds {@code amount} to the series of these label values.
     *
     * @throws IllegalArgumentException if the amount is negative or the label values do not match
     */
    public void add(double amount, String... labelValues) {
        if (!(amount >= 0)) {
            throw new IllegalArgumentException(
                    name + ": a counter only goes up, got an increment of " + amount);
        }
        series.computeIfAbsent(labels.key(labelValues), k -> new DoubleAdder()).add(amount);
    }

    /** The current value of one series; 0 if it was never incremented. */
    public double value(String... labelValues) {
        DoubleAdder adder = series.get(labels.key(labelValues));
        return adder == null ? 0 : adder.sum();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void writeTo(StringBuilder out) {
        Labels.writeHeader(out, name, help, "counter");
        Map<String, Double> sorted = new TreeMap<>();
        series.forEach((k, v) -> sorted.put(labels.format(k, null, null), v.sum()));
        sorted.forEach(
                (l, v) ->
                        out.append(name)
                                .append(l)
                                .append(' ')
                                .append(Labels.number(v))
                                .append('\n'));
    }
}
