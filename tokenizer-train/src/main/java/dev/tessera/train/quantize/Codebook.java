package dev.tessera.train.quantize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import dev.tessera.train.model.Scalars;

/** Operations on a codebook μ [K, L] shared by the quantizers and the exported graphs. */
public final class Codebook {

    private Codebook() {}

    /** ẑ [N, L, h, w] → rows [N·h·w, L], positions in row-major (n, i, j) order. */
    public static NDArray flattenPositions(NDArray zHat) {
        long codeDim = zHat.getShape().get(1);
        return zHat.transpose(0, 2, 3, 1).reshape(-1, codeDim);
    }

    /** Rows [M, L] → [N, L, h, w]. */
    public static NDArray unflattenPositions(NDArray rows, long n, long h, long w) {
        return rows.reshape(n, h, w, rows.getShape().get(1)).transpose(0, 3, 1, 2);
    }

    /**
     * Squared distances ‖ẑ_m − μ_c‖² [M, K], expanded as ‖ẑ‖² − 2 ẑ·μ + ‖μ‖² and clamped at zero
     * against rounding.
     */
    public static NDArray squaredDistances(NDArray rows, NDArray codebook) {
        NDArray rowNorms = rows.square().sum(new int[] {1}, true);
        NDArray codeNorms = codebook.square().sum(new int[] {1}).expandDims(0);
        NDArray cross = rows.matMul(codebook.transpose()).mul(Scalars.like(rows, 2));
        return rowNorms.sub(cross).add(codeNorms).maximum(Scalars.like(rows, 0));
    }

    /**
     * Nearest code of each row, computed as argmax(2 ẑ·μ − ‖μ‖²): the form the exported encoder
     * uses, so that both pick the same code. Returns int32 [M].
     */
    public static NDArray nearest(NDArray rows, NDArray codebook) {
        NDArray codeNorms = codebook.square().sum(new int[] {1}).expandDims(0);
        NDArray score = rows.matMul(codebook.transpose().mul(Scalars.like(rows, 2))).sub(codeNorms);
        return score.argMax(1).toType(DataType.INT32, false);
    }
}
