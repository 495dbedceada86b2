package dev.tessera.format;

/**
 * The image sizes a tokenizer takes: exactly the size it was trained at, or, when {@code multiple}
 * is positive, any height and width that are positive multiples of {@code multiple} (the encoder's
 * downsampling factor), since the encoder and decoder are fully convolutional.
 *
 * @param height the training height in pixels
 * @param width the training width in pixels
 * @param multiple the number both sides must be multiples of; 0 for exactly {@code height × width}
 */
public record ImageSizeRule(int height, int width, int multiple) {

    /** Validates positive sizes and a multiple ≥ 0 that the training size obeys. */
    public ImageSizeRule {
        if (height < 1 || width < 1 || multiple < 0) {
            throw new IllegalArgumentException(
                    "image size rule: expected a positive size and a multiple ≥ 0, got "
                            + width
                            + "x"
                            + height
                            + " and "
                            + multiple);
        }
        if (multiple > 0 && (height % multiple != 0 || width % multiple != 0)) {
            throw new IllegalArgumentException(
                    "image size rule: the training size "
                            + width
                            + "x"
                            + height
                            + " is not a multiple of "
                            + multiple);
        }
    }

    /** Exactly {@code height × width}. */
    public static ImageSizeRule exactly(int height, int width) {
        return new ImageSizeRule(height, width, 0);
    }

    /** Whether only the training size is taken. */
    public boolean fixed() {
        return multiple == 0;
    }

    /** Whether an image of {@code h} rows and {@code w} columns is taken. */
    public boolean accepts(long h, long w) {
        if (fixed()) {
            return h == height && w == width;
        }
        return h >= multiple
                && w >= multiple
                && h <= Integer.MAX_VALUE
                && w <= Integer.MAX_VALUE
                && h % multiple == 0
                && w % multiple == 0;
    }

    /**
     * What an image file must be, for messages: {@code 32x32 pixels (width x height)}, or {@code a
     * width and height that are multiples of 4 (trained at 32x32)}.
     */
    public String expected() {
        return fixed()
                ? width + "x" + height + " pixels (width x height)"
                : "a width and height that are multiples of "
                        + multiple
                        + " (trained at "
                        + width
                        + "x"
                        + height
                        + ")";
    }

    /**
     * The height and width part of a tensor shape, for messages: {@code 32,32}, or {@code H,W}.
     */
    String shapeText() {
        return fixed() ? height + "," + width : "H,W";
    }

    /**
     * The condition on {@code H} and {@code W} that {@link #shapeText} leaves out: empty, or {@code
     * " and H, W positive multiples of 4"}.
     */
    String condition() {
        return fixed() ? "" : " and H, W positive multiples of " + multiple;
    }

    /**
     * The image shape a request must have, for messages: {@code [N,1,32,32] with N ≥ 1}, or {@code
     * [N,1,H,W] with N ≥ 1 and H, W positive multiples of 4}.
     */
    public String shapeWith(int channels) {
        return "[N," + channels + "," + shapeText() + "] with N ≥ 1" + condition();
    }
}
