package dev.tessera.train.data;

/** How an image whose size differs from the configured one is brought to that size. */
public enum ResizeMode {
    /** Scale the whole image to the target size; the aspect ratio may change. */
    RESIZE,
    /** Cut the largest centred region with the target aspect ratio, then scale it. */
    CENTER_CROP
}
