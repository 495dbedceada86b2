package dev.tessera.train.quantize;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a GM-VQ training step turns the posterior q(c|x) into the decoder's input and routes the
 * decoder's gradient back to it. Every variant draws the code exactly from q (so the forward value
 * is an unbiased sample of the ALBO's reconstruction term); they differ in the backward pass through
 * the discrete choice (docs/gmvq-ablation.md derives each).
 */
public enum GradientEstimator {

    /**
     * The paper's estimator: the Gumbel-max sample forward, the gradient of the Gumbel-softmax
     * relaxation at temperature τ backward (straight-through).
     */
    GUMBEL("gumbel"),

    /** The relaxed Gumbel-softmax sample forward and backward (a mixture of codes, not a code). */
    GUMBEL_SOFT("gumbel-soft"),

    /**
     * The sampled code forward; backward, the first-order (linearised decoder) form of the ALBO's
     * score term, which is the gradient through the posterior mean Σ_c q(c|x) sg(μ_c). No Gumbel
     * noise and no temperature.
     */
    POSTERIOR_MEAN("posterior-mean"),

    /**
     * The sampled code forward, the decoder's gradient handed to ẑ unchanged (VQ-VAE's
     * straight-through); the dense-codebook limit of {@link #POSTERIOR_MEAN}, kept as the
     * comparison the ablation needs.
     */
    ENCODER_STRAIGHT_THROUGH("straight-through");

    private final String flag;

    GradientEstimator(String flag) {
        this.flag = flag;
    }

    /** The name used on the command line and in manifests. */
    public String flag() {
        return flag;
    }

    /** Whether the Gumbel-softmax temperature τ plays a part. */
    public boolean usesTemperature() {
        return this == GUMBEL || this == GUMBEL_SOFT;
    }

    /** The estimator called {@code name} on the command line. */
    public static GradientEstimator of(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (GradientEstimator e : values()) {
            if (e.flag.equals(wanted)) {
                return e;
            }
        }
        throw new IllegalArgumentException(
                "unknown gradient estimator '"
                        + name
                        + "': use one of "
                        + Arrays.stream(values())
                                .map(GradientEstimator::flag)
                                .collect(Collectors.joining(", ")));
    }
}
