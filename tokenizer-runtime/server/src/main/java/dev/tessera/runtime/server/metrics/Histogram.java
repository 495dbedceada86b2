package dev.tessera.runtime.server.metrics;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * Observations counted into fixed buckets per label set (Prometheus type {@code histogram}), with
 * their sum and count, so the scraper can compute quantiles and means over any window. Thread-safe
 * and lock-free on the observe path.
 */
public final class Histogram implements MetricFamily {

    private final String name;
    private final String help;
    private final Labels labels;
    private final double[] bounds;
    private final Map<List<String>, Series> series = new ConcurrentHashMap<>();

    private record Series(AtomicLongArray counts, DoubleAdder sum) {}

    Histogram(String name, String help, double[] bounds, String... labelNames) {
        this.name = Labels.checkMetricName(name);
        this.help = help;
        this.labels = new Labels(labelNames);
        if (bounds.length == 0) {
            throw new IllegalArgumentException(name + ": expected at least one bucket bound");
        }
        for (int i = 0; i < bounds.length; i++) {
            if (!Double.isFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
                throw new IllegalArgumentException(
                        name + ": bucket bounds must be finite and strictly increasing");
            }
        }
        this.bounds = bounds.clone();
    }

    /** Bounds 1, 2, 4, … up to {@code max} (inclusive when a power of two): for batch sizes. */
    public static double[] powersOfTwo(int max) {
        int n = 32 - Integer.numberOfLeadingZeros(Math.max(1, max));
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            b[i] = 1L << i;
        }
        return b;
    }

    /** Bounds from 0.5 ms to 10 s, roughly ×2.5 apart: for call and batch latencies in seconds. */
    public static double[] latencySeconds() {
        return new double[] {
            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
        };
    }

    /** Records one observation in the series of these label values. */
    public void observe(double value, String... labelValues) {
        Series s =
                series.computeIfAbsent(
                        labels.key(labelValues),
                        k -> new Series(new AtomicLongArray(bounds.length + 1), new DoubleAdder()));
        int bucket = bounds.length;
        for (int i = 0; i < bounds.length; i++) {
            if (value <= bounds[i]) {
                bucket = i;
                break;
            }
        }
        s.counts.incrementAndGet(bucket);
        s.sum.add(value);
    }

    /** How many observations one series holds; 0 if none. */
    public long count(String... labelValues) {
        Series s = series.get(labels.key(labelValues));
        if (s == null) {
            return 0;
        }
        long total = 0;
        for (int i = 0; i < s.counts.length(); i++) {
            total += s.counts.get(i);
        }
        return total;
    }

    /** The sum of one series' observations; 0 if none. */
    public double sum(String... labelValues) {
        Series s = series.get(labels.key(labelValues));
        return s == null ? 0 : s.sum.sum();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void writeTo(StringBuilder out) {
        Labels.writeHeader(out, name, help, "histogram");
        Map<String, List<String>> sorted = new TreeMap<>();
        series.keySet().forEach(k -> sorted.put(labels.format(k, null, null), k));
        for (List<String> key : sorted.values()) {
            Series s = series.get(key);
            long cumulative = 0;
            for (int i = 0; i <= bounds.length; i++) {
                // _count is the sum of the buckets read here, so +Inf and _count always agree
                // even while other threads observe.
                cumulative += s.counts.get(i);
                String le = i < bounds.length ? Labels.number(bounds[i]) : "+Inf";
                out.append(name)
                        .append("_bucket")
                        .append(labels.format(key, "le", le))
                        .append(' ')
                        .append(cumulative)
                        .append('\n');
            }
            String l = labels.format(key, null, null);
            out.append(name).append("_sum").append(l).append(' ');
            out.append(Labels.number(s.sum.sum())).append('\n');
            out.append(name).append("_count").append(l).append(' ').append(cumulative).append('\n');
        }
    }
}
