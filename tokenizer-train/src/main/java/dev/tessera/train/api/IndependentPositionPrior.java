package dev.tessera.train.api;

import dev.tessera.runtime.TokenBatch;
import dev.tessera.train.analysis.PositionPrior;

/**
 * The simplest prior over token grids: every position of the grid independently follows the
 * frequencies of the codes seen there. It is what {@code frechet_prior} samples from
 * (docs/metrics.md), and the baseline a learned prior has to beat.
 *
 * <p>Stable.
 */
public final class IndependentPositionPrior {

    private final PositionPrior prior;

    /** An empty prior over {@code height × width} grids of {@code codebookSize} codes. */
    public IndependentPositionPrior(int codebookSize, int height, int width) {
        this.prior = new PositionPrior(codebookSize, height, width);
    }

    /** Counts the codes of every grid of {@code tokens}; returns this prior. */
    public IndependentPositionPrior add(TokenBatch tokens) {
        prior.add(tokens);
        return this;
    }

    /** Grids counted so far. */
    public long grids() {
        return prior.grids();
    }

    /** How often each code appeared at {@code position} (row-major over the grid). */
    public long[] counts(int position) {
        return prior.counts(position);
    }

    /** {@code count} grids, every position drawn on its own; the same seed gives the same grids. */
    public TokenBatch sample(int count, long seed) {
        return prior.sample(count, seed);
    }
}
