package dev.tessera.train.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * One Adam or AdamW update of one parameter as a single native call (DJL's fused {@code
 * adamUpdate}), followed by zeroing its gradient: no host reads, no temporary arrays on the Java
 * side, no scalar operands copied to the device. Every number is a kernel argument.
 *
 * <p>The update is the textbook one, {@code w -= lr · m̂ / (√v̂ + ε)} with {@code m̂ = m / (1 − β₁ᵗ)}
 * and {@code v̂ = v / (1 − β₂ᵗ)}. DJL's kernel computes {@code w -= c · m / (√v + ε')}; with {@code
 * c = lr · √(1 − β₂ᵗ) / (1 − β₁ᵗ)} and {@code ε' = ε · √(1 − β₂ᵗ)} the two are the same expression.
 * A positive {@code weightDecay} is decoupled (AdamW: {@code w -= lr · λ · w} before the moment
 * update, as PyTorch's AdamW does it).
 */
public final class AdamKernel {

    private AdamKernel() {}

    /**
     * Updates {@code param} in place from its gradient and the moments {@code mean} and {@code
     * variance} (updated in place, same shape and device as {@code param}), then zeroes the
     * gradient.
     *
     * @param step the update count including this one (1 for the first update)
     * @param learningRate this step's rate (a schedule's value)
     * @param weightDecay decoupled weight decay λ; 0 for plain Adam
     */
    public static void update(
            NDArray param,
            NDArray mean,
            NDArray variance,
            long step,
            double learningRate,
            double weightDecay,
            double beta1,
            double beta2,
            double epsilon) {
        double correction1 = 1 - Math.pow(beta1, step);
        double root2 = Math.sqrt(1 - Math.pow(beta2, step));
        param.getNDArrayInternal()
                .adamUpdate(
                        new NDList(param, param.getGradient(), mean, variance),
                        new NDList(param),
                        (float) learningRate,
                        (float) (learningRate * root2 / correction1),
                        (float) weightDecay,
                        1f,
                        -1f,
                        (float) beta1,
                        (float) beta2,
                        (float) (epsilon * root2),
                        false,
                        weightDecay != 0);
    }
}
