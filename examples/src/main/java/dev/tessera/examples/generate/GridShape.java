package dev.tessera.examples.generate;

/**
 * What a prior models: token grids of {@code height × width} codes from a codebook of {@code
 * codebookSize}, read in raster order, and the class labels a grid may be conditioned on.
 *
 * <p>Every sequence starts with one start token from a separate vocabulary of {@code classes + 1}
 * ids: the class label, or {@link #unconditional()} for a grid of no stated class (the only start
 * token when {@code classes} is 0).
 *
 * @param codebookSize K, the number of codes
 * @param height grid height h
 * @param width grid width w
 * @param classes number of class labels, 0 for an unconditional prior
 */
public record GridShape(int codebookSize, int height, int width, int classes) {

    public GridShape {
        if (codebookSize < 2 || height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "a prior needs a codebook of at least 2 codes and a grid of at least 1x1, got"
                            + " K="
                            + codebookSize
                            + " and "
                            + height
                            + "x"
                            + width);
        }
        if (classes < 0) {
            throw new IllegalArgumentException("classes must not be negative, got " + classes);
        }
    }

    /** Tokens per grid, h·w: the number of predictions per sequence. */
    public int positions() {
        return height * width;
    }

    /** Size of the start-token vocabulary: the labels plus the unconditional id. */
    public int startTokens() {
        return classes + 1;
    }

    /** The start token of a grid without a class. */
    public int unconditional() {
        return classes;
    }

    public boolean conditional() {
        return classes > 0;
    }

    /** The start token of a grid of class {@code label}, or of none when {@code label} is -1. */
    public int startToken(int label) {
        if (label == -1) {
            return unconditional();
        }
        if (label < 0 || label >= classes) {
            throw new IllegalArgumentException(
                    "class label " + label + " outside [0, " + classes + ")");
        }
        return label;
    }
}
