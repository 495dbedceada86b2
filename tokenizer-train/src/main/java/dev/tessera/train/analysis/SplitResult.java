package dev.tessera.train.analysis;

import java.util.Map;

/**
 * The analysis of one split.
 *
 * @param metrics the section 5 metrics by their JSON names, in a stable order
 * @param information the per-position information behind the rate metrics
 * @param codeCounts how often each code was chosen over the split
 */
public record SplitResult(
        Map<String, Double> metrics, InformationMetrics information, long[] codeCounts) {

    public SplitResult {
        metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
        codeCounts = codeCounts.clone();
    }

    @Override
    public long[] codeCounts() {
        return codeCounts.clone();
    }

    public double metric(String name) {
        Double v = metrics.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no metric " + name);
        }
        return v;
    }
}
