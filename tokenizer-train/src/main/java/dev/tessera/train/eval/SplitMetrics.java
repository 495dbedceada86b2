package dev.tessera.train.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Accumulates the reconstruction and usage metrics of one split (docs/metrics.md) batch by
 * batch, whatever produced the tokens and reconstructions (the DJL model or the exported graphs).
 */
public final class SplitMetrics {

    private final int codebookSize;
    private final long[] counts;
    private final SoftAssignments soft;
    private PixelError error;
    private long images;

    /**
     * @param soft posterior sums for {@code soft_perplexity}, or null for quantizers without a
     *     posterior
     */
    public SplitMetrics(int codebookSize, SoftAssignments soft) {
        this.codebookSize = codebookSize;
        this.counts = new long[codebookSize];
        this.soft = soft;
    }

    /** Adds a batch: original uint8 pixels, their tokens and their reconstructions as uint8. */
    public void add(byte[] original, int[] tokens, byte[] reconstructed, int imageCount) {
        addTokens(tokens, imageCount);
        merge(PixelError.of(original, reconstructed));
    }

    /** Adds a batch with reconstructions as float pixel levels 0..255. */
    public void add(byte[] original, int[] tokens, float[] reconstructedLevels, int imageCount) {
        addTokens(tokens, imageCount);
        merge(PixelError.of(original, reconstructedLevels));
    }

    /** Adds the continuous latents of a batch, rows [M, L], for the soft perplexity. */
    public void addLatents(float[] rows) {
        if (soft != null) {
            soft.add(rows);
        }
    }

    private void addTokens(int[] tokens, int imageCount) {
        for (int t : tokens) {
            counts[t]++;
        }
        images += imageCount;
    }

    private void merge(PixelError batch) {
        error = error == null ? batch : error.merge(batch);
    }

    public long[] counts() {
        return counts.clone();
    }

    /**
     * {@code mse}, {@code psnr}, {@code perplexity}, {@code soft_perplexity} and {@code
     * mean_max_posterior} (with a posterior), {@code usage}, {@code dead_codes}, {@code images}.
     */
    public Map<String, Double> metrics() {
        if (error == null) {
            throw new IllegalStateException("no images were evaluated");
        }
        CodebookUsage usage = new CodebookUsage(codebookSize, counts);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("mse", error.mse());
        m.put("psnr", error.psnr());
        m.put("perplexity", usage.perplexity());
        if (soft != null) {
            m.put("soft_perplexity", soft.perplexity());
            m.put("mean_max_posterior", soft.meanMaxPosterior());
        }
        m.put("usage", usage.usage());
        m.put("dead_codes", (double) usage.deadCodes());
        m.put("images", (double) images);
        return m;
    }
}
