package dev.tessera.format;

/**
 * Bytes that are not a {@code .npy} array this project reads: no NumPy magic, an unknown format
 * version, a header that is cut off or malformed, Fortran order, a dtype the caller cannot use or
 * data of the wrong length. The message is one sentence without the file name, so that each caller
 * can put the file in front in its own words.
 */
public final class NpyFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final boolean notNpy;

    NpyFormatException(String message, boolean notNpy) {
        super(message);
        this.notNpy = notNpy;
    }

    NpyFormatException(String message) {
        this(message, false);
    }

    /** True when the bytes do not start with NumPy's magic string at all. */
    public boolean notNpy() {
        return notNpy;
    }
}
