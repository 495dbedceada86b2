package dev.tessera.format;

import java.util.Locale;

/**
 * Why {@link ImageFileReader} could not turn a file into a model's pixels. The {@link #reason()}
 * and its details let each caller say so in its own terms (a request field on the server, a file
 * name in the CLI); {@link #getMessage()} is a plain sentence for everyone else.
 */
public final class ImageFileException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the file. */
    public enum Reason {
        /** No image reader recognises the bytes. */
        NOT_AN_IMAGE,
        /** An image, but neither PNG nor JPEG ({@link #format()} says which). */
        UNSUPPORTED_FORMAT,
        /** A PNG or JPEG of another size than the model's ({@link #width()}, {@link #height()}). */
        WRONG_SIZE,
        /** A PNG or JPEG whose header or pixels fail to decode ({@link #getCause()} says why). */
        UNREADABLE
    }

    private final Reason reason;
    private final String format;
    private final int width;
    private final int height;

    private ImageFileException(
            String message, Reason reason, String format, int width, int height, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.format = format;
        this.width = width;
        this.height = height;
    }

    static ImageFileException notAnImage() {
        return new ImageFileException(
                "not a PNG or JPEG image", Reason.NOT_AN_IMAGE, null, 0, 0, null);
    }

    static ImageFileException unsupportedFormat(String formatName) {
        String format = formatName.toUpperCase(Locale.ROOT);
        return new ImageFileException(
                "expected a PNG or JPEG image, got " + format,
                Reason.UNSUPPORTED_FORMAT,
                format,
                0,
                0,
                null);
    }

    static ImageFileException wrongSize(int expectedWidth, int expectedHeight, int w, int h) {
        return new ImageFileException(
                String.format(
                        Locale.ROOT,
                        "expected %dx%d pixels (width x height), got %dx%d",
                        expectedWidth,
                        expectedHeight,
                        w,
                        h),
                Reason.WRONG_SIZE,
                null,
                w,
                h,
                null);
    }

    static ImageFileException unreadable(Exception cause) {
        return new ImageFileException(
                "cannot be read as a PNG or JPEG image (" + cause.getMessage() + ")",
                Reason.UNREADABLE,
                null,
                0,
                0,
                cause);
    }

    /** What is wrong with the file. */
    public Reason reason() {
        return reason;
    }

    /**
     * The file's format in upper case, e.g. {@code GIF}; null unless {@link #reason()} is
     * UNSUPPORTED_FORMAT.
     */
    public String format() {
        return format;
    }

    /** The file's width in pixels; 0 unless {@link #reason()} is WRONG_SIZE. */
    public int width() {
        return width;
    }

    /** The file's height in pixels; 0 unless {@link #reason()} is WRONG_SIZE. */
    public int height() {
        return height;
    }
}
