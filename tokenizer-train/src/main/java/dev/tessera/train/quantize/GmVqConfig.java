package dev.tessera.train.quantize;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of the GM-VQ quantizer (docs/gmvq.md).
 *
 * @param codebookSize K
 * @param codeDim L
 * @param posteriorVariance σ_q² in the logits ℓ_c = −‖ẑ − μ_c‖² / (2σ_q²); 0 (the default)
 *     estimates it once, at the codebook's k-means initialisation, as the maximum-likelihood
 *     variance of an isotropic Gaussian mixture with those centres (mean squared distance to the
 *     nearest centre / L), and keeps it fixed after
 * @param noiseVariance σ² of the adaptive-variance noise σ²_c(x) = ‖ẑ − μ_c‖² / (2σ² L); ½ by
 *     default
 * @param tau0 Gumbel-softmax temperature at the start of training
 * @param tauMin temperature at the end (annealed exponentially)
 * @param beta weight of KL(q̄_B ‖ uniform)
 * @param gamma weight of the expected squared distance term
 * @param straightThrough hard one-hot sample forward with the soft gradient; soft sample otherwise
 * @param learnPosteriorVariance train log σ_q² by gradient from its initial value (a known
 *     posterior-collapse risk: the loss can lower the sharpness of q instead of moving codes)
 */
public record GmVqConfig(
        int codebookSize,
        int codeDim,
        double posteriorVariance,
        double noiseVariance,
        double tau0,
        double tauMin,
        double beta,
        double gamma,
        boolean straightThrough,
        boolean learnPosteriorVariance)
        implements QuantizerConfig {

    /** Settings with σ_q² not learned. */
    public GmVqConfig(
            int codebookSize,
            int codeDim,
            double posteriorVariance,
            double noiseVariance,
            double tau0,
            double tauMin,
            double beta,
            double gamma,
            boolean straightThrough) {
        this(
                codebookSize,
                codeDim,
                posteriorVariance,
                noiseVariance,
                tau0,
                tauMin,
                beta,
                gamma,
                straightThrough,
                false);
    }

    public GmVqConfig {
        if (codebookSize < 2) {
            throw new IllegalArgumentException(
                    "codebook size must be at least 2, got " + codebookSize);
        }
        if (codeDim < 1) {
            throw new IllegalArgumentException("code dimension must be positive, got " + codeDim);
        }
        if (!(posteriorVariance >= 0) || !(noiseVariance > 0)) {
            throw new IllegalArgumentException(
                    "posterior variance must be >= 0 (0: estimated) and noise variance > 0");
        }
        if (!(tau0 > 0) || !(tauMin > 0) || tauMin > tau0) {
            throw new IllegalArgumentException(
                    "temperatures need 0 < tau-min <= tau0, got tau0="
                            + tau0
                            + " tau-min="
                            + tauMin);
        }
        if (beta < 0 || gamma < 0) {
            throw new IllegalArgumentException("beta and gamma must be non-negative");
        }
    }

    /** Defaults for a codebook of {@code codebookSize} codes of dimension {@code codeDim}. */
    public static GmVqConfig defaults(int codebookSize, int codeDim) {
        return new GmVqConfig(codebookSize, codeDim, 0.0, 0.5, 1.0, 0.1, 0.01, 1.0, true);
    }

    @Override
    public String kind() {
        return "gmvq";
    }

    @Override
    public Quantizer create() {
        return new GmVqQuantizer(this);
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("beta", String.valueOf(beta));
        m.put("gamma", String.valueOf(gamma));
        m.put("tau0", String.valueOf(tau0));
        m.put("tau_min", String.valueOf(tauMin));
        m.put(
                "posterior_variance_mode",
                learnPosteriorVariance
                        ? "learned"
                        : posteriorVariance == 0 ? "estimated at init, fixed" : "fixed");
        m.put("noise_variance", String.valueOf(noiseVariance));
        m.put("gumbel", straightThrough ? "straight-through" : "soft");
        return m;
    }

    /** τ at training progress {@code t} ∈ [0, 1]: τ₀ (τ_min / τ₀)^t. */
    public double temperature(double progress) {
        double t = Math.max(0, Math.min(1, progress));
        return tau0 * Math.pow(tauMin / tau0, t);
    }
}
