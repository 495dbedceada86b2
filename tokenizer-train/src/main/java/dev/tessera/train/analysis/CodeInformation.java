package dev.tessera.train.analysis;

/**
 * What the codes of a split say about the images, position by position of the latent grid
 * (docs/metrics.md). For each position it collects the mean posterior q̄_pos and the mean
 * posterior entropy E_x H(q(·|x,pos)); quantizers without a posterior count as a one-hot q on the
 * chosen code.
 */
public final class CodeInformation {

    /** A position whose codes carry less than this many nats about the image has collapsed. */
    public static final double COLLAPSE_NATS = 0.01;

    private final int codebookSize;
    private final int positions;
    private final double[][] posteriorSums;
    private final double[] entropySums;
    private long grids;

    public CodeInformation(int codebookSize, int positions) {
        if (codebookSize < 1 || positions < 1) {
            throw new IllegalArgumentException("codebook size and positions must be positive");
        }
        this.codebookSize = codebookSize;
        this.positions = positions;
        this.posteriorSums = new double[positions][codebookSize];
        this.entropySums = new double[positions];
    }

    /** Adds hard codes, grids of {@code positions} ids each, row-major. */
    public void addCodes(int[] ids) {
        checkWholeGrids(ids.length);
        for (int i = 0; i < ids.length; i++) {
            posteriorSums[i % positions][ids[i]] += 1;
        }
        grids += ids.length / positions;
    }

    /**
     * Adds posteriors: {@code q} holds one distribution of K values per position, grid after grid,
     * each summing to 1.
     */
    public void addPosteriors(double[] q) {
        if (q.length % codebookSize != 0) {
            throw new IllegalArgumentException("posteriors must come in rows of K values");
        }
        int rows = q.length / codebookSize;
        checkWholeGrids(rows);
        for (int r = 0; r < rows; r++) {
            int pos = r % positions;
            double[] sums = posteriorSums[pos];
            double h = 0;
            for (int c = 0; c < codebookSize; c++) {
                double p = q[r * codebookSize + c];
                sums[c] += p;
                if (p > 0) {
                    h -= p * Math.log(p);
                }
            }
            entropySums[pos] += h;
        }
        grids += rows / positions;
    }

    private void checkWholeGrids(int rows) {
        if (rows % positions != 0) {
            throw new IllegalArgumentException(
                    rows + " positions is not a whole number of grids of " + positions);
        }
    }

    /** The metrics of every grid added so far. */
    public InformationMetrics metrics() {
        if (grids == 0) {
            throw new IllegalStateException("no codes were added");
        }
        double logK = Math.log(codebookSize);
        double[] mutualInformation = new double[positions];
        double[] marginalKl = new double[positions];
        double[] pooled = new double[codebookSize];
        double rate = 0;
        double information = 0;
        int collapsed = 0;
        for (int pos = 0; pos < positions; pos++) {
            double[] mean = new double[codebookSize];
            for (int c = 0; c < codebookSize; c++) {
                mean[c] = posteriorSums[pos][c] / grids;
                pooled[c] += mean[c] / positions;
            }
            double conditional = entropySums[pos] / grids;
            double marginal = entropy(mean);
            mutualInformation[pos] = Math.max(0, marginal - conditional);
            marginalKl[pos] = logK - marginal;
            rate += (logK - conditional) / positions;
            information += mutualInformation[pos];
            collapsed += mutualInformation[pos] < COLLAPSE_NATS ? 1 : 0;
        }
        return new InformationMetrics(
                rate,
                information,
                logK - entropy(pooled),
                collapsed,
                mutualInformation,
                marginalKl,
                grids);
    }

    /** Entropy in nats of a distribution; zero entries contribute nothing. */
    public static double entropy(double[] p) {
        double h = 0;
        for (double v : p) {
            if (v > 0) {
                h -= v * Math.log(v);
            }
        }
        return h;
    }

    /** KL(p ‖ q) in nats; infinite where p has mass that q has not. */
    public static double klDivergence(double[] p, double[] q) {
        if (p.length != q.length) {
            throw new IllegalArgumentException("distributions have different lengths");
        }
        double kl = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                if (q[i] <= 0) {
                    return Double.POSITIVE_INFINITY;
                }
                kl += p[i] * Math.log(p[i] / q[i]);
            }
        }
        return kl;
    }
}
