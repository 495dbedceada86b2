package dev.tessera.train.eval;

/**
 * Sums of the GM-VQ posteriors q(c|x) over latent positions, for {@code soft_perplexity}
 * (docs/metrics.md), and of their largest entries, for {@code mean_max_posterior}.
 */
public final class SoftAssignments {

    private final GmVqPosterior posterior;
    private final double[] sums;
    private double maxSum;
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
        for (int row = 0; row < q.length / k; row++) {
            double max = 0;
            for (int c = 0; c < k; c++) {
                double p = q[row * k + c];
                sums[c] += p;
                max = Math.max(max, p);
            }
            maxSum += max;
        }
        positions += q.length / k;
    }

    /**
     * Mean over rows of max_c q(c|x): how often the code the decoder trains on (a sample of q) is
     * the nearest code it is evaluated on; NaN before any row.
     */
    public double meanMaxPosterior() {
        return positions == 0 ? Double.NaN : maxSum / positions;
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
