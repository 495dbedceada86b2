package dev.tessera.train.eval;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.train.train.TrainedTokenizer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reconstruction and code-usage metrics of a trained tokenizer on one split (DESIGN.md section 5).
 */
public final class ReconstructionEvaluation {

    private final int batchSize;

    public ReconstructionEvaluation(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive");
        }
        this.batchSize = batchSize;
    }

    /**
     * {@code mse}, {@code psnr}, {@code perplexity}, {@code usage}, {@code dead_codes}, parameter
     * counts.
     */
    public Map<String, Double> evaluate(TrainedTokenizer model, ImageBatch images) {
        int k = model.quantizer().codebookSize();
        long[] counts = new long[k];
        PixelError error = null;
        for (int start = 0; start < images.count(); start += batchSize) {
            ImageBatch batch = images.slice(start, Math.min(images.count(), start + batchSize));
            TokenBatch tokens = model.encode(batch);
            long[] batchCounts = CodebookUsage.of(tokens.ids(), k).counts();
            for (int c = 0; c < k; c++) {
                counts[c] += batchCounts[c];
            }
            PixelError batchError = PixelError.of(batch.pixels(), model.decodeLevels(tokens));
            error = error == null ? batchError : error.merge(batchError);
        }
        CodebookUsage usage = new CodebookUsage(k, counts);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("mse", error.mse());
        metrics.put("psnr", error.psnr());
        metrics.put("perplexity", usage.perplexity());
        metrics.put("usage", usage.usage());
        metrics.put("dead_codes", (double) usage.deadCodes());
        metrics.put("encoder_params", (double) model.network().encoderParameterCount());
        metrics.put("decoder_params", (double) model.network().decoderParameterCount());
        metrics.put("images", (double) images.count());
        return metrics;
    }
}
