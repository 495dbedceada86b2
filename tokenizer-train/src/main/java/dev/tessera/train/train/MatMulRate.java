package dev.tessera.train.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Measures the device's dense float32 matrix-multiply rate through the same engine the trainer
 * uses: the ceiling a training step's FLOPs are compared against.
 */
public final class MatMulRate {

    private MatMulRate() {}

    /**
     * FLOP/s of n×n by n×n products on {@code device}, the best of {@code repeats} timed runs after
     * two warm-up runs.
     */
    public static double measure(Device device, int n, int repeats) {
        try (NDManager manager = NDManager.newBaseManager(device)) {
            NDArray a = manager.randomUniform(-1f, 1f, new ai.djl.ndarray.types.Shape(n, n));
            NDArray b = manager.randomUniform(-1f, 1f, new ai.djl.ndarray.types.Shape(n, n));
            double best = Double.MAX_VALUE;
            for (int r = 0; r < repeats + 2; r++) {
                try (NDManager scratch = manager.newSubManager()) {
                    a.tempAttach(scratch);
                    b.tempAttach(scratch);
                    long start = System.nanoTime();
                    // Reading one value back forces the product to finish on asynchronous devices.
                    a.matMul(b).getFloat(0, 0);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    if (r >= 2) {
                        best = Math.min(best, seconds);
                    }
                }
            }
            return 2.0 * n * n * n / best;
        }
    }
}
