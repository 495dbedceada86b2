package dev.tessera.examples.generate;

/**
 * How codes are drawn from a prior's predictions.
 *
 * @param temperature divides the logits: below 1 sharper, above 1 flatter
 * @param topK draw only among the k most likely codes (ties at the k-th included); 0 for all, 1 for
 *     greedy decoding
 * @param seed seed of the draws; grid i of a run draws from its own stream, so the same seed gives
 *     the same grids whatever the chunk size
 */
public record SamplingSettings(double temperature, int topK, long seed) {

    public SamplingSettings {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException(
                    "--temperature must be a positive number, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException(
                    "--top-k must be 0 (all codes) or positive, got " + topK);
        }
    }
}
