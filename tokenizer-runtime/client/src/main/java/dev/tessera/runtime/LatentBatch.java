package dev.tessera.runtime;

import java.util.Objects;

/**
 * Continuous encoder outputs of a batch of images: for every latent position, the L-dimensional
 * vector whose nearest code is its token. Row-major [count, height, width, dim].
 *
 * @param count images
 * @param height latent grid height h
 * @param width latent grid width w
 * @param dim code dimension L
 * @param values count·height·width·dim values
 */
public record LatentBatch(int count, int height, int width, int dim, float[] values) {

    public LatentBatch {
        Objects.requireNonNull(values, "values");
        if (count < 0 || height < 1 || width < 1 || dim < 1) {
            throw new IllegalArgumentException(
                    "latent batch shape must be positive, got ["
                            + count
                            + ","
                            + height
                            + ","
                            + width
                            + ","
                            + dim
                            + "]");
        }
        if ((long) count * height * width * dim != values.length) {
            throw new IllegalArgumentException(
                    "latent batch of shape ["
                            + count
                            + ","
                            + height
                            + ","
                            + width
                            + ","
                            + dim
                            + "] needs "
                            + (long) count * height * width * dim
                            + " values, got "
                            + values.length);
        }
    }

    /** Number of latent positions, count·height·width: the rows of {@link #values}. */
    public int positions() {
        return count * height * width;
    }
}
