package dev.tessera.train.api;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.train.analysis.FrechetReference;
import dev.tessera.train.data.DataException;

/**
 * Fréchet distances of image sets from a reference set, in the space of the reference's first
 * principal components (docs/metrics.md): the distance between the Gaussian fits of the two sets'
 * coordinates. {@code tessera analyze} measures {@code frechet_recon} and {@code frechet_prior}
 * this way.
 *
 * <p>Stable.
 */
public final class FrechetDistances {

    /** The number of principal components the trainer's Fréchet distances use. */
    public static final int COMPONENTS = FrechetReference.COMPONENTS;

    private final FrechetReference reference;

    private FrechetDistances(FrechetReference reference) {
        this.reference = reference;
    }

    /**
     * Fits the components and the Gaussian of the first {@code limit} images of {@code reference},
     * reading {@code batchSize} images at a time.
     *
     * @throws ImageDataException when an image cannot be read
     */
    public static FrechetDistances from(
            Images reference, int limit, int components, int batchSize) {
        try {
            return new FrechetDistances(
                    FrechetReference.fit(reference.source(), limit, components, batchSize));
        } catch (DataException e) {
            throw new ImageDataException(e.getMessage(), e);
        }
    }

    /** The Fréchet distance from the reference to {@code images}. */
    public double to(ImageBatch images) {
        return reference.sample().add(images).distance();
    }
}
