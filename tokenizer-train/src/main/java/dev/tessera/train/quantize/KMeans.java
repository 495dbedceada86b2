package dev.tessera.train.quantize;

import java.util.SplittableRandom;

/**
 * k-means++ seeding followed by Lloyd iterations, on points stored row-major in one float array.
 * Used to initialise codebooks from encoder outputs (docs/gmvq.md, codebook initialisation).
 */
public final class KMeans {

    private final int k;
    private final int iterations;

    public KMeans(int k, int iterations) {
        if (k < 1 || iterations < 0) {
            throw new IllegalArgumentException("k must be positive and iterations non-negative");
        }
        this.k = k;
        this.iterations = iterations;
    }

    /**
     * Centres [k, dim] of {@code points} [n, dim]. Needs n ≥ k. A cluster that loses all its points
     * in a Lloyd step keeps its previous centre.
     */
    public float[] fit(float[] points, int dim, long seed) {
        if (dim < 1 || points.length % dim != 0) {
            throw new IllegalArgumentException(
                    "points length " + points.length + " is not a multiple of dim " + dim);
        }
        int n = points.length / dim;
        if (n < k) {
            throw new IllegalArgumentException(
                    "k-means needs at least k=" + k + " points, got " + n);
        }
        float[] centres = seed(points, n, dim, new SplittableRandom(seed));
        int[] assignment = new int[n];
        for (int it = 0; it < iterations; it++) {
            assign(points, n, dim, centres, assignment);
            update(points, n, dim, centres, assignment);
        }
        return centres;
    }

    /** Sum of squared distances from each point [n, dim] to its nearest centre [k, dim]. */
    public double inertia(float[] points, int dim, float[] centres) {
        if (dim < 1 || points.length % dim != 0 || centres.length != k * dim) {
            throw new IllegalArgumentException(
                    "expected points [n, "
                            + dim
                            + "] and centres ["
                            + k
                            + ", "
                            + dim
                            + "], got "
                            + points.length
                            + " and "
                            + centres.length
                            + " values");
        }
        int n = points.length / dim;
        return assign(points, n, dim, centres, new int[n]);
    }

    /** k-means++: the first centre uniformly, each next one with probability ∝ squared distance. */
    float[] seed(float[] points, int n, int dim, SplittableRandom random) {
        float[] centres = new float[k * dim];
        int first = random.nextInt(n);
        System.arraycopy(points, first * dim, centres, 0, dim);
        double[] nearest = new double[n];
        for (int i = 0; i < n; i++) {
            nearest[i] = squaredDistance(points, i * dim, centres, 0, dim);
        }
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (double d : nearest) {
                total += d;
            }
            int chosen;
            if (total <= 0) {
                chosen = random.nextInt(n); // all points coincide with centres: any point will do
            } else {
                double target = random.nextDouble() * total;
                chosen = n - 1;
                for (int i = 0; i < n; i++) {
                    target -= nearest[i];
                    if (target < 0) {
                        chosen = i;
                        break;
                    }
                }
            }
            System.arraycopy(points, chosen * dim, centres, c * dim, dim);
            for (int i = 0; i < n; i++) {
                nearest[i] =
                        Math.min(
                                nearest[i],
                                squaredDistance(points, i * dim, centres, c * dim, dim));
            }
        }
        return centres;
    }

    /**
     * Nearest centre of every point; returns the sum of squared distances (the k-means objective).
     */
    double assign(float[] points, int n, int dim, float[] centres, int[] assignment) {
        double inertia = 0;
        for (int i = 0; i < n; i++) {
            int best = 0;
            double bestDistance = Double.POSITIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double d = squaredDistance(points, i * dim, centres, c * dim, dim);
                if (d < bestDistance) {
                    bestDistance = d;
                    best = c;
                }
            }
            assignment[i] = best;
            inertia += bestDistance;
        }
        return inertia;
    }

    private void update(float[] points, int n, int dim, float[] centres, int[] assignment) {
        double[] sums = new double[k * dim];
        int[] counts = new int[k];
        for (int i = 0; i < n; i++) {
            int c = assignment[i];
            counts[c]++;
            for (int j = 0; j < dim; j++) {
                sums[c * dim + j] += points[i * dim + j];
            }
        }
        for (int c = 0; c < k; c++) {
            if (counts[c] > 0) {
                for (int j = 0; j < dim; j++) {
                    centres[c * dim + j] = (float) (sums[c * dim + j] / counts[c]);
                }
            }
        }
    }

    private static double squaredDistance(float[] a, int aOffset, float[] b, int bOffset, int dim) {
        double sum = 0;
        for (int j = 0; j < dim; j++) {
            double d = a[aOffset + j] - b[bOffset + j];
            sum += d * d;
        }
        return sum;
    }
}
