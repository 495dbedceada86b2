package dev.tessera.train.quantize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import dev.tessera.train.model.FloatTensor;
import dev.tessera.train.model.ParameterSet;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The VQ-VAE baseline (docs/gmvq.md): nearest code forward, straight-through gradient to the
 * encoder, codebook loss ‖sg(ẑ) − μ_c‖² plus commitment loss ‖ẑ − sg(μ_c)‖². The codebook starts
 * from K encoder outputs drawn at random, so no code starts far from the data.
 */
public final class VqQuantizer implements Quantizer {

    public static final String CODEBOOK = "quantizer.codebook";

    private final VqConfig config;

    public VqQuantizer(VqConfig config) {
        this.config = config;
    }

    @Override
    public VqConfig config() {
        return config;
    }

    @Override
    public void initParameters(ParameterSet params, float[] encoderRows, long seed) {
        params.put(
                CODEBOOK, sampleRows(encoderRows, config.codebookSize(), config.codeDim(), seed));
    }

    /** {@code k} distinct rows of {@code rows} [M, dim], drawn with {@code seed}: [k, dim]. */
    static FloatTensor sampleRows(float[] rows, int k, int dim, long seed) {
        int m = rows.length / dim;
        if (m < k) {
            throw new IllegalArgumentException(
                    "codebook initialisation needs at least " + k + " encoder outputs, got " + m);
        }
        int[] order = new int[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        float[] picked = new float[k * dim];
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(m - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
            System.arraycopy(rows, order[i] * dim, picked, i * dim, dim);
        }
        return new FloatTensor(new long[] {k, dim}, picked);
    }

    @Override
    public NDArray codebook(ParameterSet params) {
        return params.get(CODEBOOK);
    }

    @Override
    public QuantizerStep trainStep(ParameterSet params, NDArray zHat, double progress) {
        Shape shape = zHat.getShape();
        NDArray rows = Codebook.flattenPositions(zHat);
        NDArray mu = codebook(params);
        NDArray codes = Codebook.nearest(rows.stopGradient(), mu.stopGradient());
        NDArray quantized = StraightThrough.chosenCodes(codes, mu);
        NDArray codebookLoss = StraightThrough.meanSquare(quantized, rows.stopGradient());
        NDArray commitment = StraightThrough.meanSquare(rows, quantized.stopGradient());
        NDArray loss = codebookLoss.add(StraightThrough.weighted(commitment, config.commitment()));
        Map<String, NDArray> terms = new LinkedHashMap<>();
        terms.put("codebook", codebookLoss);
        terms.put("commitment", commitment);
        NDArray z = StraightThrough.estimator(rows, quantized);
        return new QuantizerStep(
                Codebook.unflattenPositions(z, shape.get(0), shape.get(2), shape.get(3)),
                loss,
                terms,
                codes);
    }
}
