package dev.tessera.train.data;

import dev.tessera.runtime.ImageBatch;

import java.util.Objects;

/**
 * A finite, indexable set of same-sized uint8 images (plus optional labels).
 *
 * <p>Every image has the shape {@code channels × height × width}. Sources that do not fit in memory
 * decode their files on demand in {@link #read(int[])}.
 */
public interface ImageSource {

    /** Number of images. */
    int count();

    /** Channels C of every image (1 or 3). */
    int channels();

    /** Height H of every image in pixels. */
    int height();

    /** Width W of every image in pixels. */
    int width();

    /**
     * Images at the given indices, in order, as one NCHW batch. Streaming sources read from disk.
     *
     * @throws DataException if an image cannot be read
     * @throws IllegalArgumentException if {@code indices} is empty
     * @throws IndexOutOfBoundsException if an index is outside {@code [0, count())}
     */
    ImageBatch read(int[] indices);

    /** Images [from, to) as one batch. */
    default ImageBatch read(int from, int to) {
        Objects.checkFromToIndex(from, to, count());
        int[] indices = new int[to - from];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = from + i;
        }
        return read(indices);
    }

    /** Class label of an image, or -1 when the source has none. */
    default int label(int index) {
        return -1;
    }

    /** Files skipped as unreadable so far. */
    default long skipped() {
        return 0;
    }

    /**
     * One line for logs, e.g. "IDX ../shared/data/mnist/train-images-idx3-ubyte.gz: 60000 images
     * 1x28x28".
     */
    String describe();
}
