package dev.tessera.train.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

import dev.tessera.train.model.ParameterSet;
import dev.tessera.train.model.Scalars;

/**
 * Global-norm gradient clipping, as PyTorch's {@code clip_grad_norm_}: every gradient is
 * multiplied by {@code min(1, maxNorm / (‖g‖₂ + 10⁻⁶))}, with ‖g‖₂ the norm of all gradients
 * together. The norm and the factor stay on the device, so clipping reads nothing back to the host
 * and does not synchronise a GPU step.
 */
public final class GradientClipping {

    /** Keeps the factor finite when every gradient is zero (PyTorch's constant). */
    private static final double EPSILON = 1e-6;

    private GradientClipping() {}

    /** ‖g‖₂ over every trainable parameter of {@code params}, as a 0-d array on their device. */
    public static NDArray globalNorm(ParameterSet params) {
        NDList squares = new NDList();
        for (NDArray param : params.arrays().values()) {
            if (param.hasGradient()) {
                squares.add(param.getGradient().square().sum());
            }
        }
        if (squares.isEmpty()) {
            throw new IllegalArgumentException("no parameter has a gradient to clip");
        }
        return NDArrays.stack(squares).sum().sqrt();
    }

    /**
     * Scales the gradients of {@code params} in place so that their global norm is at most {@code
     * maxNorm}; {@code maxNorm} 0 leaves them alone.
     */
    public static void clip(ParameterSet params, double maxNorm) {
        if (!(maxNorm > 0)) {
            return;
        }
        NDArray norm = globalNorm(params);
        NDArray factor =
                Scalars.like(norm, maxNorm).div(norm.add(Scalars.like(norm, EPSILON))).clip(0, 1);
        for (NDArray param : params.arrays().values()) {
            if (param.hasGradient()) {
                param.getGradient().muli(factor);
            }
        }
    }
}
