package dev.tessera.examples.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;

/**
 * Grids in the form a prior reads them: one start token per grid, the inputs (the first h·w − 1
 * codes) and the targets (all h·w codes: input position i predicts code i).
 *
 * @param starts start token per grid
 * @param codes the grids' codes, [count × h·w] row-major
 * @param count grids
 * @param positions h·w
 */
record SequenceBatch(int[] starts, int[] codes, int count, int positions) {

    /**
     * The grids {@code indices} of {@code data}; a grid's start token is its label when the prior
     * is class-conditional and {@code keepLabel} allows (null: keep every label), else the
     * unconditional token.
     */
    static SequenceBatch of(TokenGrids data, GridShape shape, int[] indices, boolean[] keepLabel) {
        int positions = shape.positions();
        int[] all = data.tokens().ids();
        int[] codes = new int[indices.length * positions];
        int[] starts = new int[indices.length];
        for (int n = 0; n < indices.length; n++) {
            System.arraycopy(all, indices[n] * positions, codes, n * positions, positions);
            boolean keep = shape.conditional() && (keepLabel == null || keepLabel[n]);
            starts[n] = shape.startToken(keep ? data.label(indices[n]) : -1);
        }
        return new SequenceBatch(starts, codes, indices.length, positions);
    }

    /** Grids [from, to) of {@code data}, every label kept. */
    static SequenceBatch range(TokenGrids data, GridShape shape, int from, int to) {
        int[] indices = new int[to - from];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = from + i;
        }
        return of(data, shape, indices, null);
    }

    /** The same grids, every start token replaced by {@code start}. */
    SequenceBatch withStart(int start) {
        int[] same = new int[count];
        Arrays.fill(same, start);
        return new SequenceBatch(same, codes, count, positions);
    }

    NDArray startArray(NDManager manager) {
        return manager.create(starts, new Shape(count));
    }

    /** The first h·w − 1 codes of every grid, [count, h·w − 1]. */
    NDArray inputArray(NDManager manager) {
        int[] inputs = new int[count * (positions - 1)];
        for (int n = 0; n < count; n++) {
            System.arraycopy(codes, n * positions, inputs, n * (positions - 1), positions - 1);
        }
        return manager.create(inputs, new Shape(count, positions - 1));
    }

    /** Every code, [count, h·w]. */
    NDArray targetArray(NDManager manager) {
        return manager.create(codes, new Shape(count, positions));
    }

    /** Logits [count, h·w, K] of {@code prior} for these grids. */
    NDArray logits(TransformerPrior prior, NDManager manager) {
        NDArray inputs = positions > 1 ? inputArray(manager) : null;
        return prior.logits(startArray(manager), inputs, null);
    }

    /**
     * −log p(code) at every position, [count, h·w], in nats, from logits [count, h·w, K]. PyTorch's
     * log-softmax shifts by the maximum itself, so large logits do not overflow.
     */
    static NDArray negativeLogLikelihood(NDArray logits, NDArray targets, int codebookSize) {
        return logits.logSoftmax(-1).mul(targets.oneHot(codebookSize)).sum(new int[] {-1}).neg();
    }
}
