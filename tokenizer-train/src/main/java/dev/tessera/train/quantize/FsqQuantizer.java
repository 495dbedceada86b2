package dev.tessera.train.quantize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import dev.tessera.train.model.FloatTensor;
import dev.tessera.train.model.ParameterSet;
import dev.tessera.train.model.Scalars;

import java.util.Map;

/**
 * Finite scalar quantization: each dimension of tanh(ẑ) is rounded to the nearest of its levels,
 * evenly spaced in [−1, 1], with a straight-through gradient; no codebook is learned and no loss is
 * added. The implicit codebook, the product grid of the levels, is kept as a buffer so that token
 * ids, decoding and export work as for the other quantizers: the nearest grid point is the
 * per-dimension rounding.
 */
public final class FsqQuantizer implements Quantizer {

    public static final String CODEBOOK = "quantizer.codebook";

    private final FsqConfig config;

    public FsqQuantizer(FsqConfig config) {
        this.config = config;
    }

    @Override
    public FsqConfig config() {
        return config;
    }

    @Override
    public boolean initFromEncoderOutputs() {
        return false;
    }

    @Override
    public boolean tanhBounded() {
        return true;
    }

    @Override
    public void initParameters(ParameterSet params, float[] encoderRows, long seed) {
        params.putBuffer(CODEBOOK, grid(config.levels()));
    }

    /**
     * The grid points in token order: id = Σ_d j_d · Π_{e>d} levels[e], j_d the level index of
     * dimension d (the last dimension varies fastest), value 2 j / (n − 1) − 1.
     */
    static FloatTensor grid(int[] levels) {
        int l = levels.length;
        int k = 1;
        for (int n : levels) {
            k *= n;
        }
        float[] points = new float[k * l];
        for (int id = 0; id < k; id++) {
            int rest = id;
            for (int d = l - 1; d >= 0; d--) {
                int j = rest % levels[d];
                rest /= levels[d];
                points[id * l + d] = 2f * j / (levels[d] - 1) - 1f;
            }
        }
        return new FloatTensor(new long[] {k, l}, points);
    }

    @Override
    public NDArray codebook(ParameterSet params) {
        return params.get(CODEBOOK);
    }

    @Override
    public QuantizerStep trainStep(ParameterSet params, NDArray zHat, double progress) {
        Shape shape = zHat.getShape();
        NDArray bounded = Codebook.flattenPositions(zHat).tanh();
        // half[d] = (n_d − 1) / 2 level steps on each side of zero.
        float[] half = new float[config.codeDim()];
        int[] levels = config.levels();
        for (int d = 0; d < half.length; d++) {
            half[d] = (levels[d] - 1) / 2f;
        }
        NDArray scale = zHat.getManager().create(half).expandDims(0);
        NDArray one = Scalars.like(bounded, 1.0);
        NDArray rounded = bounded.stopGradient().add(one).mul(scale).round().div(scale).sub(one);
        NDArray z = StraightThrough.estimator(bounded, rounded);
        NDArray codes = Codebook.nearest(bounded.stopGradient(), codebook(params));
        // Made on the device (no host copy): the step's loss adds it to the reconstruction error.
        NDArray zero = zHat.getManager().zeros(new Shape());
        return new QuantizerStep(
                Codebook.unflattenPositions(z, shape.get(0), shape.get(2), shape.get(3)),
                zero,
                Map.of(),
                codes);
    }
}
