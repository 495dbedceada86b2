package dev.tessera.train.train;

/**
 * Settings of one training run.
 *
 * @param steps optimisation steps
 * @param batchSize images per step
 * @param optimizer AdamW, its learning-rate schedule and gradient clipping
 * @param seed seeds weights, batches, Gumbel noise and the k-means initialisation
 * @param initBatches batches of encoder outputs the codebook's k-means initialisation sees
 * @param logEvery steps between progress reports
 */
public record TrainConfig(
        int steps,
        int batchSize,
        OptimizerConfig optimizer,
        long seed,
        int initBatches,
        int logEvery) {

    /** A run with the default optimiser settings at peak learning rate {@code learningRate}. */
    public TrainConfig(
            int steps,
            int batchSize,
            double learningRate,
            long seed,
            int initBatches,
            int logEvery) {
        this(steps, batchSize, OptimizerConfig.defaults(learningRate), seed, initBatches, logEvery);
    }

    public TrainConfig {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be positive, got " + steps);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        java.util.Objects.requireNonNull(optimizer, "optimizer");
        if (initBatches < 1 || logEvery < 1) {
            throw new IllegalArgumentException("init batches and log interval must be positive");
        }
    }

    /** The peak learning rate. */
    public double learningRate() {
        return optimizer.learningRate();
    }

    /** The same run with another step budget and log interval. */
    public TrainConfig withSteps(int newSteps, int newLogEvery) {
        return new TrainConfig(newSteps, batchSize, optimizer, seed, initBatches, newLogEvery);
    }
}
