package dev.tessera.train.analysis;

/**
 * How much of the data an analysis reads.
 *
 * @param maxImages images read per split (the first ones); 0 reads every image
 * @param priorSamples token grids sampled from the position prior for {@code frechet_prior}; 0
 *     samples as many as test images were read
 * @param batchSize images per runtime call
 * @param seed seeds the prior's samples
 */
public record AnalysisOptions(int maxImages, int priorSamples, int batchSize, long seed) {

    /** Enough images for stable 64-dimensional Gaussian fits, in seconds on a laptop. */
    public static final int DEFAULT_MAX_IMAGES = 10_000;

    public AnalysisOptions {
        if (maxImages < 0 || priorSamples < 0) {
            throw new IllegalArgumentException("image counts must not be negative");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive");
        }
    }

    public static AnalysisOptions defaults() {
        return new AnalysisOptions(DEFAULT_MAX_IMAGES, 0, 256, 1);
    }

    int limit(int available) {
        return maxImages == 0 ? available : Math.min(maxImages, available);
    }
}
