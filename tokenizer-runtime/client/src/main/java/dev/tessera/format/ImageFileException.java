package dev.tessera.format;

import java.util.Locale;

/**
 * Why {@link ImageCodec} could not turn a file into pixels. The {@link #reason()} and its details
 * let each caller say so in its own terms (a request field on the server, a file name in a
 * command); {@link #getMessage()} is a plain sentence for everyone else.
 */
public final class ImageFileException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the file. */
    public enum Reason {
        /** No image reader recognises the bytes. */
        NOT_AN_IMAGE,
        /** An image, but not of a format the caller accepts ({@link #format()} says which). */
        UNSUPPORTED_FORMAT,
        /** An image of a size the model does not take ({@link #width()}, {@link #height()}). */
        WRONG_SIZE,
        /**
         * An image of a size the model takes that would make the batch hold more pixels than the
         * caller allows ({@link #width()}, {@link #height()}).
         */
        TOO_LARGE,
        /** An image whose header or pixels fail to decode ({@link #getCause()} says why). */
        UNREADABLE
    }

    private final Reason reason;
    private final int index;
    private final String format;
    private final int width;
    private final int height;

    private ImageFileException(
            String message,
            Reason reason,
            int index,
            String format,
            int width,
            int height,
            Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.index = index;
        this.format = format;
        this.width = width;
        this.height = height;
    }

    static ImageFileException notAnImage(int index, String accepted) {
        return new ImageFileException(
                "not a " + accepted + " image", Reason.NOT_AN_IMAGE, index, null, 0, 0, null);
    }

    static ImageFileException unsupportedFormat(int index, String formatName, String accepted) {
        String format = formatName.toUpperCase(Locale.ROOT);
        return new ImageFileException(
                "expected a " + accepted + " image, got " + format,
                Reason.UNSUPPORTED_FORMAT,
                index,
                format,
                0,
                0,
                null);
    }

    /**
     * @param expected what the size should be, e.g. {@code 8x8 pixels (width x height)}
     */
    static ImageFileException wrongSize(int index, String expected, int w, int h) {
        return new ImageFileException(
                String.format(Locale.ROOT, "expected %s, got %dx%d", expected, w, h),
                Reason.WRONG_SIZE,
                index,
                null,
                w,
                h,
                null);
    }

    static ImageFileException tooLarge(int index, int w, int h, int images, long maxPixels) {
        return new ImageFileException(
                String.format(
                        Locale.ROOT,
                        "%d images of %dx%d hold more than the %d pixels one request may carry",
                        images,
                        w,
                        h,
                        maxPixels),
                Reason.TOO_LARGE,
                index,
                null,
                w,
                h,
                null);
    }

    static ImageFileException unreadable(int index, String accepted, Exception cause) {
        return new ImageFileException(
                "cannot be read as a " + accepted + " image (" + cause.getMessage() + ")",
                Reason.UNREADABLE,
                index,
                null,
                0,
                0,
                cause);
    }

    /** What is wrong with the file. */
    public Reason reason() {
        return reason;
    }

    /** Which of the files read together this is, from 0; 0 for a file read alone. */
    public int index() {
        return index;
    }

    /**
     * The file's format in upper case, e.g. {@code GIF}; null unless {@link #reason()} is
     * UNSUPPORTED_FORMAT.
     */
    public String format() {
        return format;
    }

    /** The file's width in pixels; 0 unless {@link #reason()} is WRONG_SIZE or TOO_LARGE. */
    public int width() {
        return width;
    }

    /** The file's height in pixels; 0 unless {@link #reason()} is WRONG_SIZE or TOO_LARGE. */
    public int height() {
        return height;
    }
}
