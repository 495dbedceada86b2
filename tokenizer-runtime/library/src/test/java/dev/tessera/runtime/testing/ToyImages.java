package dev.tessera.runtime.testing;

import dev.tessera.runtime.ImageBatch;

/** Hand-made 8×8 test images for {@link ToyTokenizer} with known tokens. */
public final class ToyImages {

    /** Tokens of {@link #quadrants()} with K=16, row-major 2×2. */
    public static final int[] QUADRANT_TOKENS = {0, 15, 6, 4};

    /** Decoded pixel value of each quadrant of {@link #quadrants()}, row-major 2×2. */
    public static final int[] QUADRANT_PIXELS = {8, 248, 104, 72};

    private ToyImages() {}

    /**
     * Grayscale 8×8: top-left 0, top-right 255, bottom-left 100, bottom-right a 0/128 checkerboard
     * (mean 64). Tokens with K=16: floor(mean/16) = 0, 15, 6, 4.
     */
    public static byte[] quadrants() {
        byte[] p = new byte[64];
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                int v;
                if (y < 4) {
                    v = x < 4 ? 0 : 255;
                } else {
                    v = x < 4 ? 100 : ((x + y) % 2 == 0 ? 128 : 0);
                }
                p[y * 8 + x] = (byte) v;
            }
        }
        return p;
    }

    /** An 8×8 image of {@code channels} channels, every pixel {@code value}. */
    public static byte[] uniform(int channels, int value) {
        byte[] p = new byte[channels * 64];
        java.util.Arrays.fill(p, (byte) value);
        return p;
    }

    /** A batch of grayscale 8×8 images. */
    public static ImageBatch grayBatch(byte[]... images) {
        byte[] all = new byte[images.length * 64];
        for (int i = 0; i < images.length; i++) {
            System.arraycopy(images[i], 0, all, i * 64, 64);
        }
        return new ImageBatch(images.length, 1, 8, 8, all);
    }
}
