package dev.tessera.train.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import dev.tessera.train.train.Adam;

import java.util.List;

/**
 * Adam with bias correction (β₁ 0.9, β₂ 0.999, ε 1e-8), the optimiser the trainer uses: after a
 * backward pass, {@link #update} steps every array of a {@link Parameters} by its gradient and
 * zeroes the gradients. Its moment estimates live beside the parameters, on their device.
 *
 * <pre>{@code
 * try (NDManager step = parameters.manager().newSubManager()) {
 *     parameters.arrays().values().forEach(a -> a.tempAttach(step));
 *     adam.state().forEach(a -> a.tempAttach(step));
 *     try (GradientCollector c = Engine.getEngine("PyTorch").newGradientCollector()) {
 *         c.backward(loss(parameters));
 *     }
 *     adam.update(parameters, step, learningRate);
 * }
 * }</pre>
 *
 * <p>Stable.
 */
public final class AdamOptimizer {

    private final Adam adam;

    /** Adam whose default step size is {@code learningRate}. */
    public AdamOptimizer(double learningRate) {
        this.adam = new Adam(learningRate);
    }

    /**
     * The moment arrays, so that a training step can attach them to its scratch manager with the
     * parameters (as in the example above).
     */
    public List<NDArray> state() {
        return adam.state();
    }

    /** Updates done so far. */
    public long step() {
        return adam.step();
    }

    /**
     * One update with step size {@code learningRate} from the gradients on {@code parameters},
     * then their gradients zeroed; temporaries go to {@code scratch}.
     */
    public void update(Parameters parameters, NDManager scratch, double learningRate) {
        adam.update(parameters.set(), scratch, learningRate);
    }
}
