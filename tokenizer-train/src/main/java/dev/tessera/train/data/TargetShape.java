package dev.tessera.train.data;

import dev.tessera.runtime.ImageBatch;

/**
 * The shape every image of a data set is brought to. A zero field means "the data set's own" until
 * {@link #resolve} fills it in from the first image.
 *
 * @param channels 1, 3, or 0 for the data set's own
 * @param height target height, or 0 for the data set's own
 * @param width target width, or 0 for the data set's own
 * @param mode how images of another size are scaled
 * @param sizeFromData the user asked for the images' own size, so images of differing sizes are an
 *     error rather than something to resize
 */
record TargetShape(int channels, int height, int width, ResizeMode mode, boolean sizeFromData) {

    static TargetShape of(DataOptions options) {
        return new TargetShape(
                options.channels(),
                options.imageHeight(),
                options.imageWidth(),
                options.resize(),
                options.imageHeight() == 0);
    }

    /** This shape with its zero fields taken from an image of shape {@code c × h × w}. */
    TargetShape resolve(int c, int h, int w) {
        return new TargetShape(
                channels == 0 ? c : channels,
                height == 0 ? h : height,
                width == 0 ? w : width,
                mode,
                sizeFromData);
    }

    /** Bytes of one image of this (resolved) shape. */
    int imageSize() {
        return channels * height * width;
    }

    /** {@code "CxHxW"}, for messages. */
    String format() {
        return channels + "x" + height + "x" + width;
    }

    /**
     * Every image of {@code batch} brought to this (resolved) shape; {@code source} names the
     * batch's file in errors.
     */
    ImageBatch conform(ImageBatch batch, String source) {
        if (batch.channels() == channels && batch.height() == height && batch.width() == width) {
            return batch;
        }
        int inSize = batch.imageSize();
        byte[] out = new byte[Math.multiplyExact(batch.count(), imageSize())];
        byte[] image = new byte[inSize];
        for (int n = 0; n < batch.count(); n++) {
            System.arraycopy(batch.pixels(), n * inSize, image, 0, inSize);
            byte[] conformed =
                    conform(image, batch.channels(), batch.height(), batch.width(), source);
            System.arraycopy(conformed, 0, out, n * imageSize(), imageSize());
        }
        return new ImageBatch(batch.count(), channels, height, width, out);
    }

    /** One CHW image of shape {@code c × h × w} brought to this (resolved) shape. */
    byte[] conform(byte[] pixels, int c, int h, int w, String source) {
        if (sizeFromData && (h != height || w != width)) {
            throw new DataException(
                    source
                            + " is "
                            + h
                            + "x"
                            + w
                            + " pixels but the first image is "
                            + height
                            + "x"
                            + width
                            + "; pass --image-size to resize every image to one size");
        }
        // Drop channels before scaling (less work), add them after (nothing to interpolate).
        byte[] image = channels < c ? toChannels(pixels, c, h * w) : pixels;
        int current = Math.min(c, channels);
        if (h != height || w != width) {
            image = ImageResizer.resize(image, current, h, w, height, width, mode);
        }
        return channels > c ? toChannels(image, c, height * width) : image;
    }

    /** Gray→RGB replicates the plane; RGB→gray is ITU-R BT.601 luma. */
    private byte[] toChannels(byte[] pixels, int c, int planeSize) {
        if (c == channels) {
            return pixels;
        }
        byte[] out = new byte[channels * planeSize];
        if (c == 1 && channels == 3) {
            for (int k = 0; k < 3; k++) {
                System.arraycopy(pixels, 0, out, k * planeSize, planeSize);
            }
        } else if (c == 3 && channels == 1) {
            for (int p = 0; p < planeSize; p++) {
                double luma =
                        0.299 * Byte.toUnsignedInt(pixels[p])
                                + 0.587 * Byte.toUnsignedInt(pixels[planeSize + p])
                                + 0.114 * Byte.toUnsignedInt(pixels[2 * planeSize + p]);
                out[p] = (byte) Math.min(255, Math.round(luma));
            }
        } else {
            throw new DataException(
                    "cannot convert images of " + c + " channels to " + channels + " channels");
        }
        return out;
    }
}
