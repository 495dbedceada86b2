package dev.tessera.train.analysis;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Fréchet distance between two Gaussians (docs/metrics.md): ‖m₁ − m₂‖² + Tr(S₁ + S₂ −
 * 2(S₁S₂)^½). It is the squared 2-Wasserstein distance between the two Gaussians.
 */
public final class FrechetDistance {

    private FrechetDistance() {}

    public static double between(GaussianFit a, GaussianFit b) {
        if (a.dimension() != b.dimension()) {
            throw new IllegalArgumentException(
                    "the fits have dimensions " + a.dimension() + " and " + b.dimension());
        }
        double[] ma = a.mean();
        double[] mb = b.mean();
        double meanTerm = 0;
        for (int i = 0; i < ma.length; i++) {
            double d = ma[i] - mb[i];
            meanTerm += d * d;
        }
        DMatrixRMaj sa = new DMatrixRMaj(a.covariance());
        DMatrixRMaj sb = new DMatrixRMaj(b.covariance());
        double distance =
                meanTerm
                        + CommonOps_DDRM.trace(sa)
                        + CommonOps_DDRM.trace(sb)
                        - 2 * traceOfSquareRootOfProduct(sa, sb);
        // Rounding can leave a tiny negative number for two identical fits.
        return Math.max(0, distance);
    }

    /**
     * Tr((S₁S₂)^½) for symmetric positive semi-definite S₁, S₂. S₁S₂ is not symmetric, but it is
     * similar to S₁^½ S₂ S₁^½, which is: the trace is the sum of the square roots of its
     * eigenvalues.
     */
    static double traceOfSquareRootOfProduct(DMatrixRMaj s1, DMatrixRMaj s2) {
        DMatrixRMaj root = squareRoot(s1);
        DMatrixRMaj tmp = new DMatrixRMaj(root.numRows, root.numCols);
        DMatrixRMaj inner = new DMatrixRMaj(root.numRows, root.numCols);
        CommonOps_DDRM.mult(root, s2, tmp);
        CommonOps_DDRM.mult(tmp, root, inner);
        double trace = 0;
        for (double eigenvalue : symmetricEigenvalues(inner)) {
            trace += Math.sqrt(Math.max(0, eigenvalue));
        }
        return trace;
    }

    /**
     * The symmetric square root of a positive semi-definite matrix; negative rounding is zeroed.
     */
    static DMatrixRMaj squareRoot(DMatrixRMaj s) {
        DMatrixRMaj sym = symmetrized(s);
        EigenDecomposition_F64<DMatrixRMaj> eig = decompose(sym, true);
        int n = sym.numRows;
        DMatrixRMaj root = new DMatrixRMaj(n, n);
        for (int k = 0; k < n; k++) {
            double lambda = Math.sqrt(Math.max(0, eig.getEigenvalue(k).getReal()));
            DMatrixRMaj v = eig.getEigenVector(k);
            for (int i = 0; i < n; i++) {
                double vi = v.get(i) * lambda;
                for (int j = 0; j < n; j++) {
                    root.add(i, j, vi * v.get(j));
                }
            }
        }
        return root;
    }

    static double[] symmetricEigenvalues(DMatrixRMaj s) {
        EigenDecomposition_F64<DMatrixRMaj> eig = decompose(symmetrized(s), false);
        double[] values = new double[s.numRows];
        for (int k = 0; k < values.length; k++) {
            values[k] = eig.getEigenvalue(k).getReal();
        }
        return values;
    }

    static EigenDecomposition_F64<DMatrixRMaj> decompose(DMatrixRMaj sym, boolean vectors) {
        EigenDecomposition_F64<DMatrixRMaj> eig =
                DecompositionFactory_DDRM.eig(sym.numRows, vectors, true);
        if (!eig.decompose(sym.copy())) {
            throw new ArithmeticException(
                    "the eigen decomposition of a "
                            + sym.numRows
                            + "x"
                            + sym.numRows
                            + " covariance did not converge");
        }
        return eig;
    }

    private static DMatrixRMaj symmetrized(DMatrixRMaj s) {
        if (s.numRows != s.numCols) {
            throw new IllegalArgumentException("expected a square matrix");
        }
        DMatrixRMaj sym = new DMatrixRMaj(s.numRows, s.numCols);
        CommonOps_DDRM.transpose(s, sym);
        CommonOps_DDRM.addEquals(sym, s);
        CommonOps_DDRM.scale(0.5, sym);
        return sym;
    }
}
