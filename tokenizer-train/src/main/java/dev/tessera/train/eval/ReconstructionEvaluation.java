package dev.tessera.train.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.train.data.ImageSource;
import dev.tessera.train.data.InMemoryImages;
import dev.tessera.train.model.ParameterSet;
import dev.tessera.train.quantize.Codebook;
import dev.tessera.train.quantize.GmVqQuantizer;
import dev.tessera.train.train.TrainedTokenizer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reconstruction and code-usage metrics of a trained (not yet exported) tokenizer on one split
 * (docs/metrics.md), computed with its DJL forward pass.
 */
public final class ReconstructionEvaluation {

    private final int batchSize;

    public ReconstructionEvaluation(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive");
        }
        this.batchSize = batchSize;
    }

    /** The metrics and the code counts they came from. */
    public record Result(Map<String, Double> metrics, long[] codeCounts) {}

    /** Metrics of {@code images}; see {@link #evaluate(TrainedTokenizer, ImageSource)}. */
    public Map<String, Double> evaluate(TrainedTokenizer model, ImageBatch images) {
        return evaluate(model, new InMemoryImages(images, null, "images")).metrics();
    }

    /**
     * {@code mse}, {@code psnr}, {@code perplexity}, {@code soft_perplexity} (GM-VQ), {@code
     * usage}, {@code dead_codes}, parameter counts, {@code images}.
     */
    public Result evaluate(TrainedTokenizer model, ImageSource images) {
        int k = model.quantizer().codebookSize();
        SplitMetrics split = new SplitMetrics(k, softAssignments(model));
        for (int start = 0; start < images.count(); start += batchSize) {
            ImageBatch batch = images.read(start, Math.min(images.count(), start + batchSize));
            TokenBatch tokens = model.encode(batch);
            split.add(batch.pixels(), tokens.ids(), model.decodeLevels(tokens), batch.count());
            if (model.quantizer() instanceof GmVqQuantizer) {
                split.addLatents(latentRows(model, batch));
            }
        }
        Map<String, Double> metrics = new LinkedHashMap<>(split.metrics());
        metrics.put("encoder_params", (double) model.network().encoderParameterCount());
        metrics.put("decoder_params", (double) model.network().decoderParameterCount());
        return new Result(metrics, split.counts());
    }

    private static SoftAssignments softAssignments(TrainedTokenizer model) {
        if (!(model.quantizer() instanceof GmVqQuantizer gm)) {
            return null;
        }
        float[] mu = gm.codebook(model.params()).toFloatArray();
        return new SoftAssignments(
                mu, gm.codebookSize(), gm.codeDim(), gm.posteriorVariance(model.params()));
    }

    private static float[] latentRows(TrainedTokenizer model, ImageBatch batch) {
        ParameterSet params = model.params();
        try (NDManager scratch = params.manager().newSubManager()) {
            NDArray zHat = model.encodeContinuous(scratch, batch);
            return Codebook.flattenPositions(zHat).toFloatArray();
        }
    }
}
