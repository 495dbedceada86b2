package dev.tessera.train.model;

import java.util.Arrays;

/**
 * A dense float32 tensor on the Java heap, row-major: the form weights take on their way to ONNX.
 */
public record FloatTensor(long[] shape, float[] data) {

    public FloatTensor {
        shape = shape.clone();
        long size = 1;
        for (long dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException(
                        "negative dimension in shape " + Arrays.toString(shape));
            }
            size *= dim;
        }
        if (size != data.length) {
            throw new IllegalArgumentException(
                    "shape "
                            + Arrays.toString(shape)
                            + " holds "
                            + size
                            + " elements but data has "
                            + data.length);
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int dim(int axis) {
        return Math.toIntExact(shape[axis]);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FloatTensor t
                && Arrays.equals(shape, t.shape)
                && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape);
    }
}
