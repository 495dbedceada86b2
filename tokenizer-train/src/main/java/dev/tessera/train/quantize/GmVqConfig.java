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
 * @param estimator how the sampled code is fed forward and the decoder's gradient routed back
 * @param posteriorVarianceMode σ_q² fixed after initialisation, trained by gradient, or
 *     re-estimated after every step
 * @param posteriorVarianceEnd with a fixed σ_q², its value at the end of training as a fraction of
 *     its initial value, reached exponentially (1: constant); below 1 the posterior the decoder
 *     trains on sharpens towards the nearest code it is evaluated on
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
        GradientEstimator estimator,
        PosteriorVarianceMode posteriorVarianceMode,
        double posteriorVarianceEnd)
        implements QuantizerConfig {

    /** Settings with σ_q² neither learned nor annealed. */
    public GmVqConfig(
            int codebookSize,
            int codeDim,
            double posteriorVariance,
            double noiseVariance,
            double tau0,
            double tauMin,
            double beta,
            double gamma,
            GradientEstimator estimator) {
        this(
                codebookSize,
                codeDim,
                posteriorVariance,
                noiseVariance,
                tau0,
                tauMin,
                beta,
                gamma,
                estimator,
                PosteriorVarianceMode.FIXED,
                1.0);
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
        if (estimator == null || posteriorVarianceMode == null) {
            throw new IllegalArgumentException(
                    "a gradient estimator and a posterior variance mode are required");
        }
        if (!(posteriorVarianceEnd > 0) || posteriorVarianceEnd > 1) {
            throw new IllegalArgumentException(
                    "the final posterior variance ratio must be in (0, 1], got "
                            + posteriorVarianceEnd);
        }
        if (posteriorVarianceMode != PosteriorVarianceMode.FIXED && posteriorVarianceEnd != 1) {
            throw new IllegalArgumentException(
                    "only a fixed posterior variance follows a schedule; a "
                            + posteriorVarianceMode.flag()
                            + " one cannot");
        }
    }

    /** Whether log σ_q² is a trainable parameter. */
    public boolean learnPosteriorVariance() {
        return posteriorVarianceMode == PosteriorVarianceMode.LEARNED;
    }

    /**
     * Defaults for a codebook of {@code codebookSize} codes of dimension {@code codeDim}: σ_q²
     * estimated at initialisation and kept, noise variance ½, β = 0.01, γ = 0.25, and the
     * straight-through estimator: the best of the ablation in docs/gmvq-ablation.md (docs/gmvq.md
     * derives why straight-through fits the ALBO where q is broad on the scale of the codebook).
     */
    public static GmVqConfig defaults(int codebookSize, int codeDim) {
        return new GmVqConfig(
                codebookSize,
                codeDim,
                0.0,
                0.5,
                1.0,
                0.1,
                0.01,
                0.25,
                GradientEstimator.ENCODER_STRAIGHT_THROUGH);
    }

    /** The same settings with another gradient estimator. */
    public GmVqConfig withEstimator(GradientEstimator other) {
        return new GmVqConfig(
                codebookSize,
                codeDim,
                posteriorVariance,
                noiseVariance,
                tau0,
                tauMin,
                beta,
                gamma,
                other,
                posteriorVarianceMode,
                posteriorVarianceEnd);
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
        if (estimator.usesTemperature()) {
            m.put("tau0", String.valueOf(tau0));
            m.put("tau_min", String.valueOf(tauMin));
        }
        m.put("posterior_variance_mode", describePosteriorVariance());
        m.put("noise_variance", String.valueOf(noiseVariance));
        m.put("estimator", estimator.flag());
        return m;
    }

    private String describePosteriorVariance() {
        if (posteriorVarianceMode != PosteriorVarianceMode.FIXED) {
            return posteriorVarianceMode.flag();
        }
        String start = posteriorVariance == 0 ? "estimated at init, " : "";
        return posteriorVarianceEnd == 1
                ? start + "fixed"
                : start + "annealed to " + posteriorVarianceEnd + " of it";
    }

    /** σ_q² at training progress {@code t} ∈ [0, 1] as a fraction of its initial value. */
    public double posteriorVarianceScale(double progress) {
        double t = Math.max(0, Math.min(1, progress));
        return Math.pow(posteriorVarianceEnd, t);
    }

    /** τ at training progress {@code t} ∈ [0, 1]: τ₀ (τ_min / τ₀)^t. */
    public double temperature(double progress) {
        double t = Math.max(0, Math.min(1, progress));
        return tau0 * Math.pow(tauMin / tau0, t);
    }
}
