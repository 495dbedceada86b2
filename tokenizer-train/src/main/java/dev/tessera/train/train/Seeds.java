package dev.tessera.train.train;

/** Derives independent seeds from the run's seed, so each random stream depends on its use only. */
public final class Seeds {

    private Seeds() {}

    /** A well-mixed seed for stream {@code purpose} at position {@code index}. */
    public static long mix(long seed, long purpose, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + purpose * 0xBF58476D1CE4E5B9L + index;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
