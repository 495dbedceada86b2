package dev.tessera.train.eval;

/** Mean squared error and PSNR between two images sets, pixel values scaled to [0, 1]. */
public record PixelError(double mse, long values) {

    /** Error between uint8 originals and reconstructions given as levels 0..255. */
    public static PixelError of(byte[] original, float[] reconstructedLevels) {
        if (original.length != reconstructedLevels.length) {
            throw new IllegalArgumentException(
                    "original has "
                            + original.length
                            + " values, reconstruction "
                            + reconstructedLevels.length);
        }
        double sum = 0;
        for (int i = 0; i < original.length; i++) {
            double d = ((original[i] & 0xff) - reconstructedLevels[i]) / 255.0;
            sum += d * d;
        }
        return new PixelError(sum / original.length, original.length);
    }

    /** Error between two uint8 image sets. */
    public static PixelError of(byte[] original, byte[] reconstructed) {
        float[] levels = new float[reconstructed.length];
        for (int i = 0; i < levels.length; i++) {
            levels[i] = reconstructed[i] & 0xff;
        }
        return of(original, levels);
    }

    /** 10·log10(1 / mse); infinite for a perfect reconstruction. */
    public double psnr() {
        return 10 * Math.log10(1 / mse);
    }

    /** The error over two disjoint sets together. */
    public PixelError merge(PixelError other) {
        long n = values + other.values;
        return new PixelError((mse * values + other.mse * other.values) / n, n);
    }
}
