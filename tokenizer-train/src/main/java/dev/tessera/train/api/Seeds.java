package dev.tessera.train.api;

/**
 * Independent seeds derived from one run's seed, as the trainer derives them: each random stream
 * depends only on its purpose and position, so adding a stream never changes another.
 *
 * <p>Stable: the same arguments give the same seed in every version.
 */
public final class Seeds {

    private Seeds() {}

    /** A well-mixed seed for stream {@code purpose} at position {@code index} of {@code seed}. */
    public static long mix(long seed, long purpose, long index) {
        return dev.tessera.train.train.Seeds.mix(seed, purpose, index);
    }
}
