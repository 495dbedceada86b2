package dev.tessera.runtime;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A batch of token grids: {@code count} grids of {@code height × width} token ids, row-major {@code
 * [N, h, w]}.
 *
 * <p>The record holds the array it was given; callers that keep mutating that array should pass a
 * copy. Whether the ids are within a codebook is checked by {@code Tokenizer.decode}, which knows
 * K.
 *
 * @param count number of grids N, at least 1
 * @param height grid height h, at least 1
 * @param width grid width w, at least 1
 * @param ids row-major token ids; length {@code count * height * width}
 */
public record TokenBatch(int count, int height, int width, int[] ids) {

    /** Validates the dimensions and that the id array holds exactly N·h·w ids. */
    public TokenBatch {
        if (count < 1 || height < 1 || width < 1) {
            throw new InvalidInputException(
                    "tokens.shape",
                    String.format(
                            "tokens.shape: expected [N,h,w] with every dimension ≥ 1, got"
                                + " [%d,%d,%d]",
                            count, height, width));
        }
        if (ids == null) {
            throw new InvalidInputException(
                    "tokens.ids", "tokens.ids: expected an int array, got null");
        }
        long expected = (long) count * height * width;
        if (ids.length != expected) {
            throw new InvalidInputException(
                    "tokens.ids",
                    String.format(
                            "tokens.ids: expected %d ids for shape [%d,%d,%d], got %d",
                            expected, count, height, width, ids.length));
        }
    }

    /** Number of ids in one grid, h·w. */
    public int gridSize() {
        return height * width;
    }

    /** The shape as a long array {@code [N, h, w]}. */
    public long[] shape() {
        return new long[] {count, height, width};
    }

    /** The shape written as {@code [N,h,w]}, for messages. */
    public String shapeString() {
        return "[" + count + "," + height + "," + width + "]";
    }

    /** Grid {@code i} as a batch of one (a copy). */
    public TokenBatch grid(int i) {
        Objects.checkIndex(i, count);
        int size = gridSize();
        return new TokenBatch(1, height, width, Arrays.copyOfRange(ids, i * size, (i + 1) * size));
    }

    /**
     * Concatenates batches of the same grid shape into one batch, in order.
     *
     * @throws IllegalArgumentException if the list is empty or the grid shapes differ
     */
    public static TokenBatch concat(List<TokenBatch> batches) {
        if (batches.isEmpty()) {
            throw new IllegalArgumentException("cannot concatenate an empty list of token batches");
        }
        TokenBatch first = batches.get(0);
        int total = 0;
        for (TokenBatch b : batches) {
            if (b.height != first.height || b.width != first.width) {
                throw new IllegalArgumentException(
                        "token batches differ in shape: "
                                + first.shapeString()
                                + " vs "
                                + b.shapeString());
            }
            total += b.count;
        }
        int[] all = new int[total * first.gridSize()];
        int offset = 0;
        for (TokenBatch b : batches) {
            System.arraycopy(b.ids, 0, all, offset, b.ids.length);
            offset += b.ids.length;
        }
        return new TokenBatch(total, first.height, first.width, all);
    }

    /** Token id of grid {@code n} at row {@code y}, column {@code x}. */
    public int id(int n, int y, int x) {
        return ids[(n * height + y) * width + x];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenBatch b
                && count == b.count
                && height == b.height
                && width == b.width
                && Arrays.equals(ids, b.ids);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(count, height, width) + Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
        return "TokenBatch" + shapeString() + Arrays.toString(ids);
    }
}
