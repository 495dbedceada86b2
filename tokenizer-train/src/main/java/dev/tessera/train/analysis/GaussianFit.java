package dev.tessera.train.analysis;

/**
 * Mean and covariance of a set of vectors, normalised by the number of samples (not n − 1), so that
 * the Fréchet distance of two fits is never larger than the mean squared distance of any pairing of
 * their samples (the coupling bound of docs/metrics.md).
 *
 * @param mean the sample mean, length d
 * @param covariance the d×d sample covariance, row-major
 * @param samples how many vectors were fitted
 */
public record GaussianFit(double[] mean, double[][] covariance, long samples) {

    public GaussianFit {
        if (samples < 1) {
            throw new IllegalArgumentException("a Gaussian fit needs at least one sample");
        }
        if (covariance.length != mean.length) {
            throw new IllegalArgumentException(
                    "covariance has " + covariance.length + " rows, mean " + mean.length);
        }
        mean = mean.clone();
        double[][] copy = new double[covariance.length][];
        for (int i = 0; i < copy.length; i++) {
            if (covariance[i].length != mean.length) {
                throw new IllegalArgumentException("covariance must be square");
            }
            copy[i] = covariance[i].clone();
        }
        covariance = copy;
    }

    public int dimension() {
        return mean.length;
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[][] covariance() {
        double[][] copy = new double[covariance.length][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = covariance[i].clone();
        }
        return copy;
    }

    /** Fits every row of {@code vectors}. */
    public static GaussianFit of(double[][] vectors) {
        if (vectors.length == 0) {
            throw new IllegalArgumentException("a Gaussian fit needs at least one sample");
        }
        Accumulator acc = new Accumulator(vectors[0].length);
        for (double[] v : vectors) {
            acc.add(v);
        }
        return acc.fit();
    }

    /** Collects vectors one at a time; memory is d² whatever the number of samples. */
    public static final class Accumulator {
        private final int dim;
        private final double[] sums;
        private final double[][] products;
        private long count;

        public Accumulator(int dim) {
            if (dim < 1) {
                throw new IllegalArgumentException("dimension must be positive");
            }
            this.dim = dim;
            this.sums = new double[dim];
            this.products = new double[dim][dim];
        }

        public void add(double[] v) {
            if (v.length != dim) {
                throw new IllegalArgumentException(
                        "expected a vector of length " + dim + ", got " + v.length);
            }
            for (int i = 0; i < dim; i++) {
                sums[i] += v[i];
                double vi = v[i];
                double[] row = products[i];
                for (int j = 0; j <= i; j++) {
                    row[j] += vi * v[j];
                }
            }
            count++;
        }

        public long count() {
            return count;
        }

        public GaussianFit fit() {
            double[] mean = new double[dim];
            for (int i = 0; i < dim; i++) {
                mean[i] = sums[i] / count;
            }
            double[][] cov = new double[dim][dim];
            for (int i = 0; i < dim; i++) {
                for (int j = 0; j <= i; j++) {
                    double c = products[i][j] / count - mean[i] * mean[j];
                    cov[i][j] = c;
                    cov[j][i] = c;
                }
            }
            return new GaussianFit(mean, cov, count);
        }
    }
}
