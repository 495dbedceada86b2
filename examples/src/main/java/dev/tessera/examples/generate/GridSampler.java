package dev.tessera.examples.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import dev.tessera.runtime.TokenBatch;
import dev.tessera.train.api.Seeds;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws token grids from a {@link TransformerPrior} in raster order, one position at a time, with
 * temperature and top-k. Each new code runs through the network once: earlier positions' keys and
 * values come from a {@link KvCache}.
 */
public final class GridSampler {

    private static final int CHUNK = 500;
    private static final long SAMPLE_STREAM = 0x5A3;

    private final TransformerPrior prior;
    private final SamplingSettings settings;

    public GridSampler(TransformerPrior prior, SamplingSettings settings) {
        this.prior = prior;
        this.settings = settings;
    }

    /**
     * One grid per entry of {@code labels}: of that class, or unconditional where it is -1 (a prior
     * trained without labels takes only -1).
     */
    public TokenBatch sample(int[] labels) {
        GridShape shape = prior.shape();
        int positions = shape.positions();
        int[] ids = new int[labels.length * positions];
        for (int from = 0; from < labels.length; from += CHUNK) {
            int to = Math.min(labels.length, from + CHUNK);
            int[] starts = new int[to - from];
            SplittableRandom[] streams = new SplittableRandom[to - from];
            for (int n = from; n < to; n++) {
                starts[n - from] = shape.startToken(labels[n]);
                streams[n - from] =
                        new SplittableRandom(Seeds.mix(settings.seed(), SAMPLE_STREAM, n));
            }
            int[] chunk = sampleChunk(starts, streams);
            System.arraycopy(chunk, 0, ids, from * positions, chunk.length);
        }
        return new TokenBatch(labels.length, shape.height(), shape.width(), ids);
    }

    private int[] sampleChunk(int[] starts, SplittableRandom[] streams) {
        GridShape shape = prior.shape();
        int count = starts.length;
        int positions = shape.positions();
        int k = shape.codebookSize();
        int[] ids = new int[count * positions];
        int[] previous = new int[count];
        try (NDManager session = prior.session()) {
            KvCache cache = new KvCache(session, prior.config().layers(), positions);
            for (int p = 0; p < positions; p++) {
                float[] logits;
                try (NDManager step = session.newSubManager()) {
                    NDArray startArray = p == 0 ? step.create(starts, new Shape(count)) : null;
                    NDArray tokenArray = p == 0 ? null : step.create(previous, new Shape(count, 1));
                    logits = prior.logits(startArray, tokenArray, cache).toFloatArray();
                }
                for (int n = 0; n < count; n++) {
                    previous[n] = choose(logits, n * k, k, streams[n]);
                    ids[n * positions + p] = previous[n];
                }
            }
        }
        return ids;
    }

    /** A code drawn from the logits {@code [offset, offset + k)}. */
    int choose(float[] logits, int offset, int k, SplittableRandom random) {
        float threshold = Float.NEGATIVE_INFINITY;
        if (settings.topK() > 0 && settings.topK() < k) {
            float[] sorted = Arrays.copyOfRange(logits, offset, offset + k);
            Arrays.sort(sorted);
            threshold = sorted[k - settings.topK()];
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            max = Math.max(max, logits[offset + c]);
        }
        double[] weights = new double[k];
        double total = 0;
        for (int c = 0; c < k; c++) {
            float logit = logits[offset + c];
            weights[c] = logit >= threshold ? Math.exp((logit - max) / settings.temperature()) : 0;
            total += weights[c];
        }
        double u = random.nextDouble() * total;
        double cumulative = 0;
        int last = 0;
        for (int c = 0; c < k; c++) {
            if (weights[c] > 0) {
                cumulative += weights[c];
                last = c;
                if (u < cumulative) {
                    return c;
                }
            }
        }
        return last;
    }
}
