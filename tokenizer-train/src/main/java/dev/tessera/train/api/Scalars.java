package dev.tessera.train.api;

import ai.djl.ndarray.NDArray;

/**
 * Scalar operands for arithmetic on arrays that take part in autograd. Never pass a Java number to
 * such arithmetic ({@code x.mul(2f)}): DJL frees the number's temporary array when the operation
 * returns, while PyTorch keeps it for the backward pass, which then reads freed memory and gives a
 * wrong gradient at random. Write {@code x.mul(Scalars.like(x, 2))} instead.
 *
 * <p>Stable.
 */
public final class Scalars {

    private Scalars() {}

    /**
     * A 0-d array holding {@code value}, of {@code array}'s type and device, owned by {@code
     * array}'s manager.
     */
    public static NDArray like(NDArray array, double value) {
        return dev.tessera.train.model.Scalars.like(array, value);
    }
}
