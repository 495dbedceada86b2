package dev.tessera.train.analysis;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.train.data.ImageSource;

/**
 * The reference images of a Fréchet comparison (docs/metrics.md): their first principal
 * components and the Gaussian fit of their coordinates. Other image sets are projected onto the
 * same components and compared with {@link #distance}.
 */
public final class FrechetReference {

    /** Images are compared in the space of the first 64 principal components (docs/metrics.md). */
    public static final int COMPONENTS = 64;

    private final PrincipalSubspace subspace;
    private final GaussianFit fit;

    private FrechetReference(PrincipalSubspace subspace, GaussianFit fit) {
        this.subspace = subspace;
        this.fit = fit;
    }

    /** Fits the components and the Gaussian of the first {@code limit} images of {@code images}. */
    public static FrechetReference fit(
            ImageSource images, int limit, int components, int batchSize) {
        int count = Math.min(limit, images.count());
        PrincipalSubspace.Builder builder =
                new PrincipalSubspace.Builder(images.channels() * images.height() * images.width());
        for (int start = 0; start < count; start += batchSize) {
            builder.add(images.read(start, Math.min(count, start + batchSize)));
        }
        PrincipalSubspace subspace = builder.fit(components);
        FrechetReference partial = new FrechetReference(subspace, null);
        Sample sample = partial.sample();
        for (int start = 0; start < count; start += batchSize) {
            sample.add(images.read(start, Math.min(count, start + batchSize)));
        }
        return new FrechetReference(subspace, sample.fit());
    }

    public PrincipalSubspace subspace() {
        return subspace;
    }

    public GaussianFit fit() {
        return fit;
    }

    /** An empty set of images to compare with the reference. */
    public Sample sample() {
        return new Sample();
    }

    /** Fréchet distance between the reference and the Gaussian fit of {@code other}. */
    public double distance(GaussianFit other) {
        return FrechetDistance.between(fit, other);
    }

    /** Images projected onto the reference's components, batch by batch. */
    public final class Sample {
        private final GaussianFit.Accumulator accumulator =
                new GaussianFit.Accumulator(subspace.components());

        public Sample add(ImageBatch images) {
            for (double[] coordinates : subspace.project(images)) {
                accumulator.add(coordinates);
            }
            return this;
        }

        public long count() {
            return accumulator.count();
        }

        public GaussianFit fit() {
            return accumulator.fit();
        }

        /** Fréchet distance from the reference to the images added so far. */
        public double distance() {
            return FrechetReference.this.distance(fit());
        }
    }
}
