package dev.tessera.train.analysis;

import dev.tessera.runtime.TokenBatch;

import java.util.SplittableRandom;

/**
 * The per-position empirical code distribution of a set of token grids: every position of the grid
 * independently follows the frequencies of the codes seen there. It is the simplest prior over
 * token grids, the one {@code frechet_prior} samples from (docs/metrics.md), and the baseline a
 * learned prior has to beat.
 */
public final class PositionPrior {

    private final int codebookSize;
    private final int height;
    private final int width;
    private final long[][] counts;
    private long grids;

    public PositionPrior(int codebookSize, int height, int width) {
        if (codebookSize < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("codebook size and grid must be positive");
        }
        this.codebookSize = codebookSize;
        this.height = height;
        this.width = width;
        this.counts = new long[height * width][codebookSize];
    }

    /** Counts the codes of every grid of {@code tokens}. */
    public PositionPrior add(TokenBatch tokens) {
        if (tokens.height() != height || tokens.width() != width) {
            throw new IllegalArgumentException(
                    "token grids are "
                            + tokens.shapeString()
                            + ", expected h="
                            + height
                            + " w="
                            + width);
        }
        int[] ids = tokens.ids();
        int positions = height * width;
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            if (id < 0 || id >= codebookSize) {
                throw new IllegalArgumentException(
                        "token id " + id + " outside [0, " + codebookSize + ")");
            }
            counts[i % positions][id]++;
        }
        grids += tokens.count();
        return this;
    }

    public long grids() {
        return grids;
    }

    /** How often each code appeared at {@code position} (row-major over the grid). */
    public long[] counts(int position) {
        return counts[position].clone();
    }

    /**
     * {@code count} grids, every position drawn independently; the same seed gives the same grids.
     */
    public TokenBatch sample(int count, long seed) {
        if (grids == 0) {
            throw new IllegalStateException("the prior has seen no token grids");
        }
        SplittableRandom random = new SplittableRandom(seed);
        int positions = height * width;
        int[] ids = new int[count * positions];
        for (int n = 0; n < count; n++) {
            for (int p = 0; p < positions; p++) {
                ids[n * positions + p] = draw(counts[p], random.nextLong(grids));
            }
        }
        return new TokenBatch(count, height, width, ids);
    }

    /** The code whose cumulative count first exceeds {@code u} ∈ [0, total). */
    private static int draw(long[] counts, long u) {
        long cumulative = 0;
        for (int c = 0; c < counts.length; c++) {
            cumulative += counts[c];
            if (u < cumulative) {
                return c;
            }
        }
        throw new IllegalStateException("counts do not add up to the number of grids");
    }
}
