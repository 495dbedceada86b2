package dev.tessera.examples.generate;

/**
 * Size of a transformer prior and how it is trained.
 *
 * @param layers transformer blocks
 * @param heads attention heads per block; must divide {@code width}
 * @param width model width (embedding and residual stream)
 * @param steps optimiser steps
 * @param batchSize grids per step
 * @param learningRate peak Adam learning rate, reached after a linear warm-up over the first 5% of
 *     the steps and decayed to a tenth along a cosine
 * @param labelDropout share of training grids whose class label is replaced by the unconditional
 *     start token, so that one model also samples without a class
 * @param seed seed of the initial weights, the batch order and the label dropout
 */
public record PriorConfig(
        int layers,
        int heads,
        int width,
        int steps,
        int batchSize,
        double learningRate,
        double labelDropout,
        long seed) {

    public PriorConfig {
        if (layers < 1 || heads < 1 || width < 1) {
            throw new IllegalArgumentException("--layers, --heads and --width must be positive");
        }
        if (width % heads != 0) {
            throw new IllegalArgumentException(
                    "--width " + width + " must be a multiple of --heads " + heads);
        }
        if (steps < 1 || batchSize < 1) {
            throw new IllegalArgumentException("--steps and --batch-size must be positive");
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("--lr must be positive, got " + learningRate);
        }
        if (!(labelDropout >= 0 && labelDropout < 1)) {
            throw new IllegalArgumentException(
                    "the label dropout must lie in [0, 1), got " + labelDropout);
        }
    }

    /** 4 blocks of width 128 with 4 heads; 2,000 steps of 64 grids at 1e-3. */
    public static PriorConfig defaults() {
        return new PriorConfig(4, 4, 128, 2000, 64, 1e-3, 0.1, 7);
    }

    public int headWidth() {
        return width / heads;
    }

    /** Learning rate at {@code step} (1-based): linear warm-up, then cosine decay to a tenth. */
    public double learningRateAt(int step) {
        int warmup = Math.max(1, steps / 20);
        if (step <= warmup) {
            return learningRate * step / warmup;
        }
        double progress = (step - warmup) / (double) Math.max(1, steps - warmup);
        return learningRate * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }
}
