package dev.tessera.train.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

class FrechetDistanceTest {

    @Test
    void oneDimensionalGaussians() {
        // N(0, 1) vs N(1, 4): 1² + 1 + 4 − 2·√(1·4) = 2.
        GaussianFit a = new GaussianFit(new double[] {0}, new double[][] {{1}}, 10);
        GaussianFit b = new GaussianFit(new double[] {1}, new double[][] {{4}}, 10);
        assertEquals(2.0, FrechetDistance.between(a, b), 1e-12);
        assertEquals(2.0, FrechetDistance.between(b, a), 1e-12);
    }

    @Test
    void covariancesThatDoNotCommute() {
        // S1 S2 = [[2,4],[1,8]]: trace 10, determinant 12. For a 2×2 matrix with positive
        // eigenvalues, Tr(√A) = √(Tr A + 2√det A) = √(10 + 2√12).
        GaussianFit a = new GaussianFit(new double[] {1, 2}, new double[][] {{2, 1}, {1, 2}}, 5);
        GaussianFit b = new GaussianFit(new double[] {1, 0}, new double[][] {{1, 0}, {0, 4}}, 5);
        double traceRoot = Math.sqrt(10 + 2 * Math.sqrt(12));
        double expected = 4 + (4 + 5) - 2 * traceRoot;
        assertEquals(expected, FrechetDistance.between(a, b), 1e-10);
        assertEquals(expected, FrechetDistance.between(b, a), 1e-10);
    }

    @Test
    void identicalFitsAreAtDistanceZeroAndShiftsAddTheSquaredMeanDifference() {
        double[][] cov = {{3, 1, 0}, {1, 2, 0.5}, {0, 0.5, 1}};
        GaussianFit a = new GaussianFit(new double[] {0, 0, 0}, cov, 3);
        GaussianFit shifted = new GaussianFit(new double[] {1, -2, 2}, cov, 3);
        assertEquals(0, FrechetDistance.between(a, a), 1e-9);
        assertEquals(9, FrechetDistance.between(a, shifted), 1e-9);
    }

    @Test
    void squareRootSquaresBackToTheMatrix() {
        DMatrixRMaj s = new DMatrixRMaj(new double[][] {{4, 2, 0}, {2, 3, 1}, {0, 1, 2}});
        DMatrixRMaj root = FrechetDistance.squareRoot(s);
        DMatrixRMaj squared = new DMatrixRMaj(3, 3);
        CommonOps_DDRM.mult(root, root, squared);
        for (int i = 0; i < 9; i++) {
            assertEquals(s.data[i], squared.data[i], 1e-10);
        }
    }

    @Test
    void sampleFitUsesTheCountNotCountMinusOne() {
        GaussianFit fit = GaussianFit.of(new double[][] {{0, 1}, {2, 1}, {4, 1}});
        assertEquals(2, fit.mean()[0], 1e-12);
        assertEquals(1, fit.mean()[1], 1e-12);
        assertEquals(8.0 / 3, fit.covariance()[0][0], 1e-12);
        assertEquals(0, fit.covariance()[1][1], 1e-12);
        assertEquals(0, fit.covariance()[0][1], 1e-12);
    }

    @Test
    void dimensionsMustAgree() {
        GaussianFit a = new GaussianFit(new double[] {0}, new double[][] {{1}}, 1);
        GaussianFit b = new GaussianFit(new double[] {0, 0}, new double[][] {{1, 0}, {0, 1}}, 1);
        assertThrows(IllegalArgumentException.class, () -> FrechetDistance.between(a, b));
    }
}
