package dev.tessera.train.quantize;

import java.util.Locale;

/** How GM-VQ's posterior variance σ_q² is set during training (docs/gmvq-ablation.md). */
public enum PosteriorVarianceMode {

    /** Set once, at initialisation (or by {@code --posterior-variance}); optionally annealed. */
    FIXED,

    /**
     * Trained by the ALBO's gradient (a known posterior-collapse risk: the loss can broaden q
     * instead of moving codes).
     */
    LEARNED,

    /**
     * Re-estimated after every step as the maximum-likelihood variance of the isotropic mixture
     * with the current codes, the estimate initialisation makes once: the mean squared distance
     * from each encoder output to its nearest code, divided by L. σ_q² follows the scale of the
     * latents, so q keeps the sharpness the geometry gives it.
     */
    TRACKED;

    /** The name used on the command line and in manifests. */
    public String flag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode called {@code name} on the command line. */
    public static PosteriorVarianceMode of(String name) {
        for (PosteriorVarianceMode m : values()) {
            if (m.flag().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException(
                "unknown posterior variance mode '" + name + "': use fixed, learned or tracked");
    }
}
