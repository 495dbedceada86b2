package dev.tessera.train.quantize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import dev.tessera.train.model.FloatTensor;
import dev.tessera.train.model.ParameterSet;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The EMA VQ baseline with the usual heuristics (docs/gmvq.md): k-means initialisation, a
 * codebook updated as exponential moving averages of the encoder outputs assigned to each code
 * (counts Laplace-smoothed), a commitment loss, and dead-code reset: a code whose EMA count falls
 * below the threshold is moved onto a random encoder output of the batch.
 */
public final class VqEmaQuantizer implements Quantizer {

    public static final String CODEBOOK = "quantizer.codebook";
    public static final String EMA_COUNT = "quantizer.ema_count";
    public static final String EMA_SUM = "quantizer.ema_sum";
    private static final int KMEANS_ITERATIONS = 5;

    private final VqEmaConfig config;
    private long resets;

    public VqEmaQuantizer(VqEmaConfig config) {
        this.config = config;
    }

    @Override
    public VqEmaConfig config() {
        return config;
    }

    /** Codes moved by dead-code reset since this quantizer was made. */
    public long resets() {
        return resets;
    }

    @Override
    public void initParameters(ParameterSet params, float[] encoderRows, long seed) {
        int k = config.codebookSize();
        int l = config.codeDim();
        float[] centres = new KMeans(k, KMEANS_ITERATIONS).fit(encoderRows, l, seed);
        // Start each count at the share of outputs a code would get under uniform use, so the
        // first averages continue from the k-means centres instead of from zero.
        float prior =
                Math.max((float) config.deadThreshold(), (encoderRows.length / l) / (float) k);
        float[] counts = new float[k];
        float[] sums = new float[k * l];
        for (int c = 0; c < k; c++) {
            counts[c] = prior;
            for (int d = 0; d < l; d++) {
                sums[c * l + d] = centres[c * l + d] * prior;
            }
        }
        params.putBuffer(CODEBOOK, new FloatTensor(new long[] {k, l}, centres));
        params.putBuffer(EMA_COUNT, new FloatTensor(new long[] {k}, counts));
        params.putBuffer(EMA_SUM, new FloatTensor(new long[] {k, l}, sums));
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
        NDArray codes = Codebook.nearest(rows.stopGradient(), mu);
        NDArray quantized = StraightThrough.chosenCodes(codes, mu);
        NDArray commitment = StraightThrough.meanSquare(rows, quantized);
        Map<String, NDArray> terms = new LinkedHashMap<>();
        terms.put("commitment", commitment);
        NDArray z = StraightThrough.estimator(rows, quantized);
        return new QuantizerStep(
                Codebook.unflattenPositions(z, shape.get(0), shape.get(2), shape.get(3)),
                StraightThrough.weighted(commitment, config.commitment()),
                terms,
                codes);
    }

    @Override
    public boolean updatesAfterStep() {
        return true;
    }

    @Override
    public void afterStep(
            ParameterSet params, float[] rows, int[] tokens, SplittableRandom random) {
        int k = config.codebookSize();
        int l = config.codeDim();
        float[] counts = params.get(EMA_COUNT).toFloatArray();
        float[] sums = params.get(EMA_SUM).toFloatArray();
        float decay = (float) config.decay();
        float[] batchCounts = new float[k];
        float[] batchSums = new float[k * l];
        for (int m = 0; m < tokens.length; m++) {
            int c = tokens[m];
            batchCounts[c]++;
            for (int d = 0; d < l; d++) {
                batchSums[c * l + d] += rows[m * l + d];
            }
        }
        for (int c = 0; c < k; c++) {
            counts[c] = decay * counts[c] + (1 - decay) * batchCounts[c];
            for (int d = 0; d < l; d++) {
                sums[c * l + d] = decay * sums[c * l + d] + (1 - decay) * batchSums[c * l + d];
            }
        }
        resetDeadCodes(counts, sums, rows, tokens.length, random);
        params.assign(EMA_COUNT, new FloatTensor(new long[] {k}, counts));
        params.assign(EMA_SUM, new FloatTensor(new long[] {k, l}, sums));
        params.assign(CODEBOOK, new FloatTensor(new long[] {k, l}, codebook(counts, sums)));
    }

    /** μ_c = m_c / N'_c with N'_c = (N_c + ε) / (n + Kε) · n, n = Σ N_c (Laplace smoothing). */
    float[] codebook(float[] counts, float[] sums) {
        int k = config.codebookSize();
        int l = config.codeDim();
        double total = 0;
        for (float n : counts) {
            total += n;
        }
        float[] mu = new float[k * l];
        for (int c = 0; c < k; c++) {
            double smoothed =
                    (counts[c] + config.epsilon()) / (total + k * config.epsilon()) * total;
            for (int d = 0; d < l; d++) {
                mu[c * l + d] = (float) (sums[c * l + d] / smoothed);
            }
        }
        return mu;
    }

    private void resetDeadCodes(
            float[] counts, float[] sums, float[] rows, int batchRows, SplittableRandom random) {
        int l = config.codeDim();
        // A restarted code gets the count of a uniformly used one, so it has about
        // log(threshold / count) / log(decay) steps to attract outputs before it counts as dead.
        float restart =
                Math.max(2 * (float) config.deadThreshold(), batchRows / (float) counts.length);
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] < config.deadThreshold()) {
                int m = random.nextInt(batchRows);
                counts[c] = restart;
                for (int d = 0; d < l; d++) {
                    sums[c * l + d] = rows[m * l + d] * restart;
                }
                resets++;
            }
        }
    }

    @Override
    public Map<String, String> describe(ParameterSet params) {
        Map<String, String> m = new LinkedHashMap<>(config.describe());
        m.put("dead_code_resets", String.valueOf(resets));
        return m;
    }
}
