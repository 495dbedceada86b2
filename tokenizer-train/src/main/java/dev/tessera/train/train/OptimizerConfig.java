package dev.tessera.train.train;

/**
 * AdamW and its schedule: linear learning-rate warm-up to the peak, then cosine decay to {@code
 * floor × peak} at the last step; the gradient's global norm clipped to {@code clipGradNorm} before
 * each update; decoupled weight decay on convolution kernels only (not on the codebook, norms or
 * biases).
 *
 * @param learningRate the peak learning rate
 * @param warmupSteps steps of linear warm-up (0: none)
 * @param floor the learning rate at the last step, as a fraction of the peak, in [0, 1]
 * @param beta1 decay of the first-moment estimate
 * @param beta2 decay of the second-moment estimate
 * @param epsilon added to the second-moment root
 * @param weightDecay decoupled weight decay per unit learning rate
 * @param clipGradNorm largest global gradient norm; 0 leaves gradients unclipped
 */
public record OptimizerConfig(
        double learningRate,
        int warmupSteps,
        double floor,
        double beta1,
        double beta2,
        double epsilon,
        double weightDecay,
        double clipGradNorm) {

    /** Warm-up steps of the defaults. */
    public static final int DEFAULT_WARMUP_STEPS = 100;

    public OptimizerConfig {
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException(
                    "learning rate must be positive, got " + learningRate);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException(
                    "--warmup-steps must not be negative, got " + warmupSteps);
        }
        if (!(floor >= 0 && floor <= 1)) {
            throw new IllegalArgumentException(
                    "--lr-floor is a fraction of the peak learning rate in [0, 1], got " + floor);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException(
                    "--adam-betas must lie in [0, 1), got " + beta1 + "," + beta2);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("epsilon must be positive, got " + epsilon);
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException(
                    "--weight-decay must not be negative, got " + weightDecay);
        }
        if (!(clipGradNorm >= 0) || !Double.isFinite(clipGradNorm)) {
            throw new IllegalArgumentException(
                    "--clip-grad-norm must not be negative (0: no clipping), got " + clipGradNorm);
        }
    }

    /** The defaults of {@code tessera train} at peak learning rate {@code learningRate}. */
    public static OptimizerConfig defaults(double learningRate) {
        return new OptimizerConfig(
                learningRate, DEFAULT_WARMUP_STEPS, 0.1, 0.9, 0.99, 1e-8, 1e-4, 1.0);
    }

    /**
     * Plain Adam as {@code torch.optim.Adam}'s defaults run it: {@code learningRate} at every step,
     * betas 0.9 and 0.999, no weight decay, no clipping.
     */
    public static OptimizerConfig constant(double learningRate) {
        return new OptimizerConfig(learningRate, 0, 1, 0.9, 0.999, 1e-8, 0, 0);
    }

    /** The learning rate at 1-based {@code step} of a run of {@code steps}: a pure function. */
    public double learningRate(int step, int steps) {
        if (step <= warmupSteps) {
            return learningRate * step / warmupSteps;
        }
        int decaySteps = steps - warmupSteps;
        if (decaySteps <= 1) {
            return learningRate;
        }
        double progress = (step - warmupSteps - 1) / (double) (decaySteps - 1);
        double cosine = 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
        return learningRate * (floor + (1 - floor) * cosine);
    }

    /** The settings for manifests and reports, keyed as the command-line flags are. */
    public java.util.Map<String, String> describe() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("warmup_steps", String.valueOf(warmupSteps));
        m.put("lr_floor", String.valueOf(floor));
        m.put("adam_betas", beta1 + "," + beta2);
        m.put("weight_decay", String.valueOf(weightDecay));
        m.put("clip_grad_norm", String.valueOf(clipGradNorm));
        return m;
    }

    /** The same settings at another peak learning rate. */
    public OptimizerConfig withLearningRate(double rate) {
        return new OptimizerConfig(
                rate, warmupSteps, floor, beta1, beta2, epsilon, weightDecay, clipGradNorm);
    }
}
