package dev.tessera.train.analysis;

import dev.tessera.runtime.ImageBatch;

import java.util.Map;

/**
 * What {@code tessera analyze} measures (docs/metrics.md).
 *
 * @param model name, version, quantizer, K, grid and data description, for the JSON header
 * @param train the training split's metrics
 * @param test the test split's metrics
 * @param crossSplit metrics that involve both splits or the model itself: {@code
 *     generalization_gap}, {@code frechet_prior}, parameter counts, σ_q²
 * @param posteriorVarianceTrace σ_q² over training as (step, value), empty unless it was learned
 * @param explainedVariance variance of the test images the principal components keep
 * @param realImages the first test images, for the report
 * @param priorImages decodes of the first position-prior samples, for the report
 * @param seconds wall time of the analysis
 */
public record AnalysisResult(
        Map<String, String> model,
        SplitResult train,
        SplitResult test,
        Map<String, Double> crossSplit,
        double[][] posteriorVarianceTrace,
        double explainedVariance,
        ImageBatch realImages,
        ImageBatch priorImages,
        double seconds) {

    /**
     * W2 between the Gaussian fits of images and reconstructions never exceeds the root mean
     * squared per-image distance of the pairing (a coupling), on either split.
     */
    public boolean couplingBoundHolds() {
        return holds(train) && holds(test);
    }

    private static boolean holds(SplitResult split) {
        double w2 = split.metric("w2_gaussian_recon");
        double bound = split.metric("w2_coupling_bound");
        return w2 <= bound * (1 + 1e-9) + 1e-12;
    }
}
