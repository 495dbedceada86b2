package dev.tessera.train.train;

/**
 * Settings of one training run.
 *
 * @param steps optimisation steps
 * @param batchSize images per step
 * @param learningRate Adam's step size
 * @param seed seeds weights, batches, Gumbel noise and the k-means initialisation
 * @param initBatches batches of encoder outputs the codebook's k-means initialisation sees
 * @param logEvery steps between progress reports
 */
public record TrainConfig(
        int steps, int batchSize, double learningRate, long seed, int initBatches, int logEvery) {

    public TrainConfig {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be positive, got " + steps);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException(
                    "learning rate must be positive, got " + learningRate);
        }
        if (initBatches < 1 || logEvery < 1) {
            throw new IllegalArgumentException("init batches and log interval must be positive");
        }
    }
}
