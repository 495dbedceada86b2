package dev.tessera.train.eval;

/**
 * Sums of the GM-VQ posteriors q(c|x) over latent positions, for {@code soft_perplexity}
 * (docs/metrics.md).
 */
public final class SoftAssignments {

    private final GmVqPosterior posterior;
    private final double[] sums;
    private long positions;

    public SoftAssignments(GmVqPosterior posterior) {
        this.posterior = posterior;
        this.sums = new double[posterior.codebookSize()];
    }

    /**
     * @param codebook μ, [K, L] row-major
     * @param variance σ_q², positive
     */
    public SoftAssignments(float[] codebook, int codebookSize, int codeDim, double variance) {
        this(new GmVqPosterior(codebook, codebookSize, codeDim, variance));
    }

    /** Adds q(·|x) of every row of {@code rows} [M, L]. */
    public void add(float[] rows) {
        double[] q = posterior.posteriors(rows);
        int k = sums.length;
        for (int i = 0; i < q.length; i++) {
            sums[i % k] += q[i];
        }
        positions += q.length / k;
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
