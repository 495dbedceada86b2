package dev.tessera.runtime.server.metrics;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A value that goes up and down (Prometheus type {@code gauge}), read at scrape time from a
 * callback so that it always shows the present state (queue depth, calls in flight) rather than a
 * copy that someone must remember to update.
 */
public final class Gauge implements MetricFamily {

    private final String name;
    private final String help;
    private final Labels labels;
    private final Supplier<Map<List<String>, Double>> samples;

    Gauge(
            String name,
            String help,
            List<String> labelNames,
            Supplier<Map<List<String>, Double>> samples) {
        this.name = Labels.checkMetricName(name);
        this.help = help;
        this.labels = new Labels(labelNames.toArray(String[]::new));
        this.samples = samples;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void writeTo(StringBuilder out) {
        Labels.writeHeader(out, name, help, "gauge");
        Map<String, Double> sorted = new TreeMap<>();
        samples.get()
                .forEach(
                        (k, v) ->
                                sorted.put(
                                        labels.format(
                                                labels.key(k.toArray(String[]::new)), null, null),
                                        v));
        sorted.forEach(
                (l, v) ->
                        out.append(name)
                                .append(l)
                                .append(' ')
                                .append(Labels.number(v))
                                .append('\n'));
    }
}
