package dev.tessera.train.api;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.train.data.DataException;
import dev.tessera.train.data.ImageSource;

/**
 * A finite, indexed set of same-sized uint8 images, with class labels where the data set has
 * them: one split of an {@link ImageDataSet}. Every image is {@code channels × height × width};
 * images of a streamed folder are decoded when they are read.
 *
 * <p>Stable.
 */
public final class Images {

    private final ImageSource source;

    Images(ImageSource source) {
        this.source = source;
    }

    /** Number of images. */
    public int count() {
        return source.count();
    }

    /** Channels of every image: 1 (grey) or 3 (RGB). */
    public int channels() {
        return source.channels();
    }

    /** Height of every image, in pixels. */
    public int height() {
        return source.height();
    }

    /** Width of every image, in pixels. */
    public int width() {
        return source.width();
    }

    /**
     * Images {@code [from, to)} as one NCHW batch.
     *
     * @throws ImageDataException when an image cannot be read
     * @throws IndexOutOfBoundsException when the range is not within {@code [0, count())}
     */
    public ImageBatch read(int from, int to) {
        try {
            return source.read(from, to);
        } catch (DataException e) {
            throw new ImageDataException(e.getMessage(), e);
        }
    }

    /** Class label of image {@code index}, or -1 when the data set has none. */
    public int label(int index) {
        return source.label(index);
    }

    /** One line for logs, e.g. "IDX .../train-images-idx3-ubyte.gz: 60000 images 1x28x28". */
    public String describe() {
        return source.describe();
    }

    /** The trainer's view of these images. */
    ImageSource source() {
        return source;
    }
}
