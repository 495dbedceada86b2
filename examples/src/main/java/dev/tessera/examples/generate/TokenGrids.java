package dev.tessera.examples.generate;

import dev.tessera.runtime.TokenBatch;
import dev.tessera.train.api.Images;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Token grids of a data split with their class labels: what a prior trains on.
 *
 * @param tokens the grids, [N, h, w]
 * @param labels one class label per grid, or null when the split has none
 */
public record TokenGrids(TokenBatch tokens, int[] labels) {

    private static final int READ_BATCH = 1024;

    public TokenGrids {
        if (labels != null && labels.length != tokens.count()) {
            throw new IllegalArgumentException(
                    labels.length + " labels for " + tokens.count() + " token grids");
        }
        labels = labels == null ? null : labels.clone();
    }

    /**
     * Encodes the first {@code limit} images of {@code images} (all when {@code limit} is 0) with
     * {@code codec}; labels are kept when every image has one.
     */
    public static TokenGrids encode(
            Images images, TokenCodec codec, int limit, Consumer<String> log) {
        int count = limit > 0 ? Math.min(limit, images.count()) : images.count();
        if (count == 0) {
            throw new IllegalArgumentException("the data split holds no images");
        }
        int[] ids = new int[count * codec.gridHeight() * codec.gridWidth()];
        int[] labels = new int[count];
        boolean labelled = true;
        long start = System.nanoTime();
        for (int from = 0; from < count; from += READ_BATCH) {
            int to = Math.min(count, from + READ_BATCH);
            TokenBatch batch = codec.encode(images.read(from, to));
            System.arraycopy(batch.ids(), 0, ids, from * batch.gridSize(), batch.ids().length);
            for (int i = from; i < to; i++) {
                labels[i] = images.label(i);
                labelled &= labels[i] >= 0;
            }
        }
        log.accept(
                String.format(
                        "tokenized %d images into %dx%d grids in %.1f s%s",
                        count,
                        codec.gridHeight(),
                        codec.gridWidth(),
                        (System.nanoTime() - start) / 1e9,
                        labelled ? " (with class labels)" : " (no class labels)"));
        return new TokenGrids(
                new TokenBatch(count, codec.gridHeight(), codec.gridWidth(), ids),
                labelled ? labels : null);
    }

    @Override
    public int[] labels() {
        return labels == null ? null : labels.clone();
    }

    public int count() {
        return tokens.count();
    }

    public boolean labelled() {
        return labels != null;
    }

    /** Label of grid {@code i}, or -1 when there are none. */
    public int label(int i) {
        return labels == null ? -1 : labels[i];
    }

    /** One more than the largest label; 0 without labels. */
    public int classes() {
        int max = -1;
        if (labels != null) {
            for (int label : labels) {
                max = Math.max(max, label);
            }
        }
        return max + 1;
    }

    /** The first {@code n} grids (all if there are fewer). */
    public TokenGrids first(int n) {
        int m = Math.min(n, count());
        int[] ids = Arrays.copyOf(tokens.ids(), m * tokens.gridSize());
        return new TokenGrids(
                new TokenBatch(m, tokens.height(), tokens.width(), ids),
                labels == null ? null : Arrays.copyOf(labels, m));
    }
}
