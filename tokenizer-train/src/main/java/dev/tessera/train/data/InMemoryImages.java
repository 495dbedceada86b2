package dev.tessera.train.data;

import dev.tessera.runtime.ImageBatch;

import java.util.Objects;

/** An {@link ImageSource} over a batch already decoded into memory. */
public final class InMemoryImages implements ImageSource {

    private final ImageBatch images;
    private final int[] labels;
    private final String description;
    private final long skipped;

    /**
     * @param images all images of the source; the source keeps this batch and never changes it
     * @param labelsOrNull one class label per image, or null when the images have none
     * @param description one line for logs
     */
    public InMemoryImages(ImageBatch images, int[] labelsOrNull, String description) {
        this(images, labelsOrNull, description, 0);
    }

    /** As the public constructor, for loaders that dropped {@code skipped} unreadable files. */
    InMemoryImages(ImageBatch images, int[] labelsOrNull, String description, long skipped) {
        this.images = Objects.requireNonNull(images, "images");
        this.description = Objects.requireNonNull(description, "description");
        if (labelsOrNull != null && labelsOrNull.length != images.count()) {
            throw new IllegalArgumentException(
                    "got "
                            + labelsOrNull.length
                            + " labels for "
                            + images.count()
                            + " images; pass one label per image or null");
        }
        this.labels = labelsOrNull == null ? null : labelsOrNull.clone();
        this.skipped = skipped;
    }

    @Override
    public int count() {
        return images.count();
    }

    @Override
    public int channels() {
        return images.channels();
    }

    @Override
    public int height() {
        return images.height();
    }

    @Override
    public int width() {
        return images.width();
    }

    @Override
    public ImageBatch read(int[] indices) {
        if (indices.length == 0) {
            throw new IllegalArgumentException("cannot read an empty list of images");
        }
        int size = images.imageSize();
        byte[] pixels = new byte[Math.multiplyExact(indices.length, size)];
        for (int i = 0; i < indices.length; i++) {
            int index = Objects.checkIndex(indices[i], images.count());
            System.arraycopy(images.pixels(), index * size, pixels, i * size, size);
        }
        return new ImageBatch(indices.length, channels(), height(), width(), pixels);
    }

    @Override
    public int label(int index) {
        Objects.checkIndex(index, images.count());
        return labels == null ? -1 : labels[index];
    }

    @Override
    public long skipped() {
        return skipped;
    }

    @Override
    public String describe() {
        return description;
    }
}
