package dev.tessera.train.analysis;

import dev.tessera.runtime.ImageBatch;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The span of the first principal components of a set of images, pixels scaled to [0, 1]: the space
 * in which {@code frechet_recon} and {@code frechet_prior} compare images (docs/metrics.md).
 * Projection is onto an orthonormal basis, so it never lengthens a difference of two images.
 */
public final class PrincipalSubspace {

    private final int pixels;
    private final double[] mean;
    private final double[][] basis;
    private final double explainedVariance;

    private PrincipalSubspace(int pixels, double[] mean, double[][] basis, double explained) {
        this.pixels = pixels;
        this.mean = mean;
        this.basis = basis;
        this.explainedVariance = explained;
    }

    /** Accumulates images batch by batch, then {@link #fit(int)}. */
    public static final class Builder {
        private final int pixels;
        private final DMatrixRMaj products;
        private final double[] sums;
        private long count;

        public Builder(int pixelsPerImage) {
            this.pixels = pixelsPerImage;
            this.products = new DMatrixRMaj(pixelsPerImage, pixelsPerImage);
            this.sums = new double[pixelsPerImage];
        }

        public Builder add(ImageBatch batch) {
            if (batch.imageSize() != pixels) {
                throw new IllegalArgumentException(
                        "images have " + batch.imageSize() + " values, expected " + pixels);
            }
            DMatrixRMaj rows = new DMatrixRMaj(batch.count(), pixels);
            byte[] px = batch.pixels();
            for (int i = 0; i < px.length; i++) {
                double v = (px[i] & 0xff) / 255.0;
                rows.data[i] = v;
                sums[i % pixels] += v;
            }
            CommonOps_DDRM.multAddTransA(rows, rows, products);
            count += batch.count();
            return this;
        }

        /** The first {@code components} principal directions (fewer if the images have fewer). */
        public PrincipalSubspace fit(int components) {
            if (count < 2) {
                throw new IllegalStateException("principal components need at least two images");
            }
            if (components < 1) {
                throw new IllegalArgumentException("components must be positive");
            }
            double[] mean = new double[pixels];
            for (int i = 0; i < pixels; i++) {
                mean[i] = sums[i] / count;
            }
            DMatrixRMaj cov = new DMatrixRMaj(pixels, pixels);
            for (int i = 0; i < pixels; i++) {
                for (int j = 0; j < pixels; j++) {
                    cov.set(i, j, products.get(i, j) / count - mean[i] * mean[j]);
                }
            }
            EigenDecomposition_F64<DMatrixRMaj> eig = FrechetDistance.decompose(cov, true);
            double[] values = new double[pixels];
            double total = 0;
            for (int k = 0; k < pixels; k++) {
                values[k] = eig.getEigenvalue(k).getReal();
                total += Math.max(0, values[k]);
            }
            Integer[] order = IntStream.range(0, pixels).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.comparingDouble((Integer k) -> -values[k]));
            int k = Math.min(components, pixels);
            double[][] basis = new double[k][];
            double kept = 0;
            for (int r = 0; r < k; r++) {
                basis[r] = eig.getEigenVector(order[r]).data.clone();
                kept += Math.max(0, values[order[r]]);
            }
            return new PrincipalSubspace(pixels, mean, basis, total > 0 ? kept / total : 1);
        }
    }

    public int components() {
        return basis.length;
    }

    /** Fraction of the fitted images' variance the kept components carry. */
    public double explainedVariance() {
        return explainedVariance;
    }

    /** Coordinates of every image of the batch, [N][components]. */
    public double[][] project(ImageBatch batch) {
        if (batch.imageSize() != pixels) {
            throw new IllegalArgumentException(
                    "images have " + batch.imageSize() + " values, expected " + pixels);
        }
        byte[] px = batch.pixels();
        double[][] out = new double[batch.count()][basis.length];
        double[] centred = new double[pixels];
        for (int n = 0; n < batch.count(); n++) {
            for (int i = 0; i < pixels; i++) {
                centred[i] = (px[n * pixels + i] & 0xff) / 255.0 - mean[i];
            }
            for (int r = 0; r < basis.length; r++) {
                double[] b = basis[r];
                double dot = 0;
                for (int i = 0; i < pixels; i++) {
                    dot += b[i] * centred[i];
                }
                out[n][r] = dot;
            }
        }
        return out;
    }
}
