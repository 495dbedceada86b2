package dev.tessera.train.eval;

/**
 * Sums of the GM-VQ posteriors q(c|x) = softmax_c(−‖ẑ − μ_c‖² / 2σ_q²) over latent positions, for
 * {@code soft_perplexity} (DESIGN.md section 5).
 */
public final class SoftAssignments {

    private final float[] codebook;
    private final int codebookSize;
    private final int codeDim;
    private final double variance;
    private final double[] sums;
    private long positions;

    /**
     * @param codebook μ, [K, L] row-major
     * @param variance σ_q², positive
     */
    public SoftAssignments(float[] codebook, int codebookSize, int codeDim, double variance) {
        if (codebook.length != codebookSize * codeDim) {
            throw new IllegalArgumentException(
                    "codebook has " + codebook.length + " values, expected K*L");
        }
        if (!(variance > 0) || !Double.isFinite(variance)) {
            throw new IllegalArgumentException(
                    "posterior variance must be positive, got " + variance);
        }
        this.codebook = codebook.clone();
        this.codebookSize = codebookSize;
        this.codeDim = codeDim;
        this.variance = variance;
        this.sums = new double[codebookSize];
    }

    /** Adds q(·|x) of every row of {@code rows} [M, L]. */
    public void add(float[] rows) {
        double[] logits = new double[codebookSize];
        for (int m = 0; m < rows.length / codeDim; m++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < codebookSize; c++) {
                double d = 0;
                for (int l = 0; l < codeDim; l++) {
                    double diff = rows[m * codeDim + l] - codebook[c * codeDim + l];
                    d += diff * diff;
                }
                logits[c] = -d / (2 * variance);
                max = Math.max(max, logits[c]);
            }
            // Max-shifted softmax: exp never overflows and the largest term is exactly 1.
            double total = 0;
            for (int c = 0; c < codebookSize; c++) {
                logits[c] = Math.exp(logits[c] - max);
                total += logits[c];
            }
            for (int c = 0; c < codebookSize; c++) {
                sums[c] += logits[c] / total;
            }
            positions++;
        }
    }

    /** exp(H(q̄)), q̄ the mean posterior over every row added so far. */
    public double perplexity() {
        if (positions == 0) {
            return Double.NaN;
        }
        double entropy = 0;
        for (double s : sums) {
            double p = s / positions;
            if (p > 0) {
                entropy -= p * Math.log(p);
            }
        }
        return Math.exp(entropy);
    }
}
