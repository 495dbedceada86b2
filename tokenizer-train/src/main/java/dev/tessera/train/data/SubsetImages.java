package dev.tessera.train.data;

import dev.tessera.runtime.ImageBatch;

import java.util.Objects;

/** A view of some images of another source, by index; reads go to that source. */
final class SubsetImages implements ImageSource {

    private final ImageSource base;
    private final int[] indices;
    private final String description;

    /**
     * @param base the source viewed
     * @param indices indices into {@code base}, at least one; position i of this view is image
     *     {@code indices[i]} of the base
     * @param description one line for logs
     */
    SubsetImages(ImageSource base, int[] indices, String description) {
        this.base = Objects.requireNonNull(base, "base");
        if (indices.length == 0) {
            throw new IllegalArgumentException("a subset needs at least one image");
        }
        for (int index : indices) {
            Objects.checkIndex(index, base.count());
        }
        this.indices = indices.clone();
        this.description = Objects.requireNonNull(description, "description");
    }

    @Override
    public int count() {
        return indices.length;
    }

    @Override
    public int channels() {
        return base.channels();
    }

    @Override
    public int height() {
        return base.height();
    }

    @Override
    public int width() {
        return base.width();
    }

    @Override
    public ImageBatch read(int[] positions) {
        int[] mapped = new int[positions.length];
        for (int i = 0; i < positions.length; i++) {
            mapped[i] = indices[Objects.checkIndex(positions[i], indices.length)];
        }
        return base.read(mapped);
    }

    @Override
    public int label(int position) {
        return base.label(indices[Objects.checkIndex(position, indices.length)]);
    }

    /** Files the underlying source skipped, shared by every view of it. */
    @Override
    public long skipped() {
        return base.skipped();
    }

    @Override
    public String describe() {
        return description;
    }
}
