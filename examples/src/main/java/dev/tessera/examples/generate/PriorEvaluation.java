package dev.tessera.examples.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import dev.tessera.train.api.IndependentPositionPrior;

/** Held-out likelihood of token grids under a prior, in nats per token. */
public final class PriorEvaluation {

    private static final int CHUNK = 500;

    private PriorEvaluation() {}

    /**
     * Mean −log p(code | earlier codes, start token) over every position of every grid of {@code
     * data}. With {@code withLabels} false, a class-conditional prior is asked with the
     * unconditional start token.
     */
    public static double nllPerToken(TransformerPrior prior, TokenGrids data, boolean withLabels) {
        GridShape shape = prior.shape();
        double total = 0;
        for (int from = 0; from < data.count(); from += CHUNK) {
            SequenceBatch batch =
                    SequenceBatch.range(data, shape, from, Math.min(data.count(), from + CHUNK));
            if (!withLabels) {
                batch = batch.withStart(shape.unconditional());
            }
            try (NDManager session = prior.session()) {
                NDArray nll =
                        SequenceBatch.negativeLogLikelihood(
                                batch.logits(prior, session),
                                batch.targetArray(session),
                                shape.codebookSize());
                total += nll.sum().getFloat();
            }
        }
        return total / ((double) data.count() * shape.positions());
    }

    /**
     * The same measure for the independent-position prior, whose probability of code c at a
     * position is (count + 1) / (grids + K): add-one smoothing, since a code never seen at a
     * position would otherwise have probability 0.
     */
    public static double nllPerToken(
            IndependentPositionPrior prior, TokenGrids data, int codebookSize) {
        int positions = data.tokens().gridSize();
        double[][] logP = new double[positions][];
        for (int p = 0; p < positions; p++) {
            long[] counts = prior.counts(p);
            logP[p] = new double[counts.length];
            double denominator = prior.grids() + codebookSize;
            for (int c = 0; c < counts.length; c++) {
                logP[p][c] = Math.log((counts[c] + 1) / denominator);
            }
        }
        int[] ids = data.tokens().ids();
        double total = 0;
        for (int i = 0; i < ids.length; i++) {
            total -= logP[i % positions][ids[i]];
        }
        return total / ids.length;
    }
}
