package dev.tessera.train.eval;

import dev.tessera.api.v1.TokenizerManifest;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.train.data.ImageSource;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Metrics of an exported tokenizer directory on a split (docs/metrics.md), computed through the
 * runtime library: exactly the tokens and pixels a served model produces.
 */
public final class ArtifactEvaluation {

    private final int batchSize;

    public ArtifactEvaluation(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive");
        }
        this.batchSize = batchSize;
    }

    /**
     * {@code mse}, {@code psnr}, {@code perplexity}, {@code soft_perplexity} (GM-VQ), {@code
     * usage}, {@code dead_codes}, {@code encoder_params}, {@code decoder_params}, {@code images}.
     */
    public Map<String, Double> evaluate(Tokenizer tokenizer, ImageSource images) {
        checkShape(tokenizer, images);
        SoftAssignments soft = GmVqPosterior.of(tokenizer).map(SoftAssignments::new).orElse(null);
        SplitMetrics split = new SplitMetrics(tokenizer.codebookSize(), soft);
        for (int start = 0; start < images.count(); start += batchSize) {
            ImageBatch batch = images.read(start, Math.min(images.count(), start + batchSize));
            TokenBatch tokens = tokenizer.encode(batch);
            split.add(
                    batch.pixels(), tokens.ids(), tokenizer.decode(tokens).pixels(), batch.count());
            if (soft != null) {
                split.addLatents(tokenizer.latents(batch).values());
            }
        }
        Map<String, Double> metrics = new LinkedHashMap<>(split.metrics());
        TokenizerManifest manifest = tokenizer.manifest();
        for (String key : new String[] {"encoder_params", "decoder_params"}) {
            if (manifest.getMetricsMap().containsKey(key)) {
                metrics.put(key, manifest.getMetricsMap().get(key));
            }
        }
        return metrics;
    }

    /** Refuses images whose shape is not the tokenizer's, with the flags that convert them. */
    public static void checkShape(Tokenizer tokenizer, ImageSource images) {
        if (images.channels() != tokenizer.channels()
                || images.height() != tokenizer.imageHeight()
                || images.width() != tokenizer.imageWidth()) {
            throw new IllegalArgumentException(
                    String.format(
                            "the data's images are %dx%dx%d (CxHxW) but the tokenizer takes %s;"
                                    + " pass --image-size and --channels to convert them",
                            images.channels(),
                            images.height(),
                            images.width(),
                            tokenizer.imageShape()));
        }
    }
}
