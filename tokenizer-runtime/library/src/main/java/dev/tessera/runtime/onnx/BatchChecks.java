package dev.tessera.runtime.onnx;

import dev.tessera.api.v1.TokenizerManifest;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.artifact.TokenizerDirectory;

import java.util.List;

/**
 * The checks of a {@link Tokenizer}'s inputs and of its encoder's output against the manifest; an
 * input refusal names the field ({@code pixels.shape}, {@code tokens.ids[i]}) and what was
 * expected.
 */
final class BatchChecks {

    private final int channels;
    private final int height;
    private final int width;
    private final int gridHeight;
    private final int gridWidth;
    private final int codebookSize;

    BatchChecks(TokenizerManifest m) {
        channels = m.getInput().getChannels();
        height = m.getInput().getHeight();
        width = m.getInput().getWidth();
        gridHeight = m.getGrid().getHeight();
        gridWidth = m.getGrid().getWidth();
        codebookSize = m.getCodebookSize();
    }

    /** The expected image shape written as {@code [N,C,H,W]} with the manifest's sizes. */
    String imageShape() {
        return "[N," + channels + "," + height + "," + width + "]";
    }

    /**
     * Checks every batch's image shape.
     *
     * @return the number of images in all
     */
    int images(List<ImageBatch> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("expected at least one batch of images, got none");
        }
        int count = 0;
        for (ImageBatch images : parts) {
            if (images.channels() != channels
                    || images.height() != height
                    || images.width() != width) {
                throw new InvalidInputException(
                        "pixels.shape",
                        "pixels.shape: expected " + imageShape() + ", got " + images.shapeString());
            }
            count = Math.addExact(count, images.count());
        }
        return count;
    }

    /**
     * Checks every batch's grid shape and that its ids lie in [0, K); an id's index in the message
     * counts over all batches in order, as if they were one.
     *
     * @return the number of grids in all
     */
    int tokens(List<TokenBatch> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("expected at least one batch of grids, got none");
        }
        int count = 0;
        int offset = 0;
        for (TokenBatch tokens : parts) {
            checkGrid(tokens, offset);
            count = Math.addExact(count, tokens.count());
            offset += tokens.ids().length;
        }
        return count;
    }

    private void checkGrid(TokenBatch tokens, int offset) {
        if (tokens.height() != gridHeight || tokens.width() != gridWidth) {
            throw new InvalidInputException(
                    "tokens.shape",
                    "tokens.shape: expected [N,"
                            + gridHeight
                            + ","
                            + gridWidth
                            + "], got "
                            + tokens.shapeString());
        }
        int[] ids = tokens.ids();
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
