package dev.tessera.train.analysis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

/**
 * The coupling bound that {@code tessera analyze} checks on every run: pairing each sample with its
 * reconstruction is a coupling, so the Fréchet distance between the two Gaussian fits (the squared
 * W2 of Gaussians with those moments) never exceeds the mean squared distance of the pairs.
 */
class CouplingBoundTest {

    @Test
    void frechetDistanceOfFitsNeverExceedsTheMeanSquaredDistanceOfThePairs() {
        SplittableRandom random = new SplittableRandom(11);
        for (int trial = 0; trial < 50; trial++) {
            int dim = 1 + random.nextInt(8);
            int n = 2 + random.nextInt(40);
            double[][] x = new double[n][dim];
            double[][] y = new double[n][dim];
            double squared = 0;
            for (int i = 0; i < n; i++) {
                for (int d = 0; d < dim; d++) {
                    x[i][d] = random.nextGaussian() * (d + 1);
                    // Correlated, shrunk and shifted: a plausible reconstruction.
                    y[i][d] = 0.7 * x[i][d] + 0.3 * random.nextGaussian() + 0.1 * d;
                    squared += (x[i][d] - y[i][d]) * (x[i][d] - y[i][d]);
                }
            }
            double frechet = FrechetDistance.between(GaussianFit.of(x), GaussianFit.of(y));
            assertTrue(
                    frechet <= squared / n * (1 + 1e-9) + 1e-12,
                    "trial " + trial + ": " + frechet + " > " + squared / n);
        }
    }
}
