package dev.tessera.train.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

import dev.tessera.train.model.ParameterSet;

/**
 * Global-norm gradient clipping: the norm of all gradients together, computed on the device (each
 * gradient's sum of squares stays there; one scalar comes back per step), and the factor that
 * brings it down to the limit. The factor is handed to the optimiser, which scales each gradient
 * inside its fused update, so clipping adds no pass over the gradients.
 */
public final class GradientClipping {

    private GradientClipping() {}

    /** ‖g‖₂ over every trainable parameter of {@code params}. */
    public static double globalNorm(ParameterSet params) {
        NDList squares = new NDList();
        for (NDArray param : params.arrays().values()) {
            if (param.hasGradient()) {
                squares.add(param.getGradient().square().sum());
            }
        }
        if (squares.isEmpty()) {
            return 0;
        }
        return Math.sqrt(NDArrays.stack(squares).sum().getFloat());
    }

    /** The factor that scales a gradient of norm {@code norm} to at most {@code maxNorm}. */
    public static double scale(double norm, double maxNorm) {
        if (maxNorm <= 0 || !(norm > maxNorm)) {
            return 1;
        }
        return maxNorm / norm;
    }
}
