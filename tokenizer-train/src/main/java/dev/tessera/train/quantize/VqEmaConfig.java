package dev.tessera.train.quantize;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of the EMA VQ baseline, the strongest heuristic one: codebook as exponential moving
 * averages of the encoder outputs assigned to each code (Laplace-smoothed counts), k-means
 * initialisation, and dead-code reset.
 *
 * @param codebookSize K
 * @param codeDim L
 * @param commitment weight of ‖ẑ − sg(μ_c)‖²
 * @param decay EMA decay λ
 * @param epsilon Laplace smoothing of the counts
 * @param deadThreshold a code whose EMA count falls below this is replaced by a random encoder
 *     output of the batch
 */
public record VqEmaConfig(
        int codebookSize,
        int codeDim,
        double commitment,
        double decay,
        double epsilon,
        double deadThreshold)
        implements QuantizerConfig {

    public VqEmaConfig {
        QuantizerChecks.codebook(codebookSize, codeDim);
        if (!(commitment >= 0) || !(decay > 0 && decay < 1) || !(epsilon > 0)) {
            throw new IllegalArgumentException(
                    "vq-ema needs commitment >= 0, 0 < decay < 1 and epsilon > 0");
        }
        if (!(deadThreshold >= 0)) {
            throw new IllegalArgumentException("dead-code threshold must be >= 0");
        }
    }

    public static VqEmaConfig defaults(int codebookSize, int codeDim) {
        return new VqEmaConfig(codebookSize, codeDim, 0.25, 0.99, 1e-5, 2.0);
    }

    @Override
    public String kind() {
        return "vq-ema";
    }

    @Override
    public Quantizer create() {
        return new VqEmaQuantizer(this);
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("commitment", String.valueOf(commitment));
        m.put("ema_decay", String.valueOf(decay));
        m.put("laplace_epsilon", String.valueOf(epsilon));
        m.put("dead_code_threshold", String.valueOf(deadThreshold));
        m.put("codebook_init", "k-means");
        return m;
    }
}
