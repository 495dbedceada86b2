package dev.tessera.train.quantize;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of the VQ-VAE baseline: straight-through estimator, codebook loss plus a commitment
 * loss.
 *
 * @param codebookSize K
 * @param codeDim L
 * @param commitment weight of ‖ẑ − sg(μ_c)‖² (0.25 in the VQ-VAE paper)
 */
public record VqConfig(int codebookSize, int codeDim, double commitment)
        implements QuantizerConfig {

    public VqConfig {
        QuantizerChecks.codebook(codebookSize, codeDim);
        if (!(commitment >= 0) || !Double.isFinite(commitment)) {
            throw new IllegalArgumentException("commitment weight must be >= 0, got " + commitment);
        }
    }

    public static VqConfig defaults(int codebookSize, int codeDim) {
        return new VqConfig(codebookSize, codeDim, 0.25);
    }

    @Override
    public String kind() {
        return "vq";
    }

    @Override
    public Quantizer create() {
        return new VqQuantizer(this);
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("commitment", String.valueOf(commitment));
        m.put("codebook_init", "random encoder outputs");
        return m;
    }
}
