package dev.tessera.runtime.onnx;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.artifact.TokenizerDirectory;

import java.util.List;

/**
 * The checks of the batches one model run of a {@link Tokenizer} takes, and of its encoder's
 * output: shapes by {@link ModelShapes} (a refusal names {@code pixels.shape} or {@code
 * tokens.shape}), token ids in [0, K) (naming {@code tokens.ids[i]}), and one shape for all the
 * batches of a run, which ONNX Runtime runs as one tensor.
 */
final class BatchChecks {

    private final ModelShapes shapes;
    private final int codebookSize;

    BatchChecks(ModelShapes shapes, int codebookSize) {
        this.shapes = shapes;
        this.codebookSize = codebookSize;
    }

    /**
     * Checks every batch's image shape.
     *
     * @return the shape of the tokens of all images together, {@code [N, h, w]}
     * @throws IllegalArgumentException if there is no batch or the batches differ in size
     */
    long[] images(List<ImageBatch> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("expected at least one batch of images, got none");
        }
        long[] all = null;
        for (ImageBatch images : parts) {
            long[] grid = shapes.tokensFor("pixels.shape", images.shape());
            all = merge(all, grid, "images of " + images.height() + "x" + images.width());
        }
        return all;
    }

    /**
     * Checks every batch's grid shape and that its ids lie in [0, K); an id's index in a refusal
     * counts over all batches in order, as if they were one.
     *
     * @return the shape of the images of all grids together, {@code [N, C, H, W]}
     * @throws IllegalArgumentException if there is no batch or the batches differ in grid shape
     */
    long[] tokens(List<TokenBatch> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("expected at least one batch of grids, got none");
        }
        long[] all = null;
        int offset = 0;
        for (TokenBatch tokens : parts) {
            long[] image = shapes.imageFor("tokens.shape", tokens.shape());
            all = merge(all, image, "grids of " + tokens.height() + "x" + tokens.width());
            checkIds(tokens.ids(), offset);
            offset += tokens.ids().length;
        }
        return all;
    }

    /** {@code shape} added to {@code sum} along the batch axis; the other axes must agree. */
    private static long[] merge(long[] sum, long[] shape, String what) {
        if (sum == null) {
            return shape.clone();
        }
        for (int i = 1; i < shape.length; i++) {
            if (shape[i] != sum[i]) {
                throw new IllegalArgumentException(
                        "one model run takes one shape; "
                                + what
                                + " cannot join a run of "
                                + ModelShapes.format(sum));
            }
        }
        sum[0] += shape[0];
        return sum;
    }

    private void checkIds(int[] ids, int offset) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= codebookSize) {
                String field = "tokens.ids[" + (offset + i) + "]";
                throw new InvalidInputException(
                        field,
                        field + ": expected a token id in [0," + codebookSize + "), got " + ids[i]);
            }
        }
    }

    /** Refuses encoder output outside [0, K): a broken graph, not a bad request. */
    void encoderIds(int[] ids) {
        for (int id : ids) {
            if (id < 0 || id >= codebookSize) {
                throw new IllegalStateException(
                        TokenizerDirectory.ENCODER
                                + " produced token id "
                                + id
                                + " outside [0,"
                                + codebookSize
                                + ")");
            }
        }
    }
}
