package dev.tessera.train.quantize;

import ai.djl.ndarray.NDArray;

import dev.tessera.train.model.Scalars;

/** The hard-assignment pieces the VQ baselines share. */
final class StraightThrough {

    private StraightThrough() {}

    /**
     * Rows of the chosen codes, μ_{c(m)} [M, L], from codes int [M]; differentiable in μ (the
     * one-hot matrix product routes the gradient to the chosen codes only).
     */
    static NDArray chosenCodes(NDArray codes, NDArray codebook) {
        int k = (int) codebook.getShape().get(0);
        return codes.oneHot(k).toType(codebook.getDataType(), false).matMul(codebook);
    }

    /**
     * ẑ + sg(q − ẑ): the value of q forward, the identity gradient to ẑ backward (the VQ-VAE
     * straight-through estimator).
     */
    static NDArray estimator(NDArray rows, NDArray quantized) {
        return rows.add(quantized.sub(rows).stopGradient());
    }

    /** Mean over all elements of (a − b)². */
    static NDArray meanSquare(NDArray a, NDArray b) {
        return a.sub(b).square().mean();
    }

    /** {@code weight} · x for a scalar array x, with an operand that outlives the backward pass. */
    static NDArray weighted(NDArray x, double weight) {
        return x.mul(Scalars.like(x, weight));
    }
}
