package dev.tessera.train.eval;

/**
 * How often each of the K codes is chosen over a set of token grids (docs/metrics.md): {@code
 * usage} is the fraction of codes used at least once, {@code perplexity} is exp(H(p̄)) of the hard
 * code frequencies p̄.
 */
public record CodebookUsage(int codebookSize, long[] counts) {

    public CodebookUsage {
        if (counts.length != codebookSize) {
            throw new IllegalArgumentException(
                    "expected " + codebookSize + " counts, got " + counts.length);
        }
        counts = counts.clone();
    }

    /** Counts the ids of {@code tokens}; every id must lie in [0, K). */
    public static CodebookUsage of(int[] tokens, int codebookSize) {
        long[] counts = new long[codebookSize];
        for (int id : tokens) {
            if (id < 0 || id >= codebookSize) {
                throw new IllegalArgumentException(
                        "token id " + id + " outside [0, " + codebookSize + ")");
            }
            counts[id]++;
        }
        return new CodebookUsage(codebookSize, counts);
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }

    public long total() {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        return total;
    }

    public int usedCodes() {
        int used = 0;
        for (long c : counts) {
            if (c > 0) {
                used++;
            }
        }
        return used;
    }

    public double usage() {
        return usedCodes() / (double) codebookSize;
    }

    public int deadCodes() {
        return codebookSize - usedCodes();
    }

    /** Entropy of the code frequencies, in nats. */
    public double entropy() {
        double total = total();
        double h = 0;
        for (long c : counts) {
            if (c > 0) {
                double p = c / total;
                h -= p * Math.log(p);
            }
        }
        return h;
    }

    public double perplexity() {
        return Math.exp(entropy());
    }
}
