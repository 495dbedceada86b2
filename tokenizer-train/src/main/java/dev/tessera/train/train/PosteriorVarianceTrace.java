package dev.tessera.train.train;

import java.util.List;

/**
 * GM-VQ's learned, tracked or annealed σ_q² over training, as the manifest records it: the config entry {@link #KEY},
 * {@code step=value} pairs joined by commas. The trainer writes it and {@code tessera analyze}
 * reads it back; a shrinking σ_q² is a posterior-collapse risk worth watching (docs/gmvq.md).
 */
public final class PosteriorVarianceTrace {

    /** Manifest config key of the trace. */
    public static final String KEY = "posterior_variance_trace";

    private PosteriorVarianceTrace() {}

    /** The trace of {@code reports}: one pair per report that has a posterior variance. */
    public static String format(List<TrainingProgress> reports) {
        StringBuilder trace = new StringBuilder();
        for (TrainingProgress p : reports) {
            if (Double.isFinite(p.posteriorVariance())) {
                trace.append(trace.isEmpty() ? "" : ",")
                        .append(p.step())
                        .append('=')
                        .append((float) p.posteriorVariance());
            }
        }
        return trace.toString();
    }

    /** The (step, value) rows of a trace; none for a blank one. */
    public static double[][] parse(String trace) {
        if (trace.isBlank()) {
            return new double[0][];
        }
        String[] pairs = trace.split(",");
        double[][] rows = new double[pairs.length][];
        for (int i = 0; i < pairs.length; i++) {
            String[] kv = pairs[i].split("=", 2);
            rows[i] = new double[] {Double.parseDouble(kv[0]), Double.parseDouble(kv[1])};
        }
        return rows;
    }
}
