package dev.tessera.train.api;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@link TokenizerTraining} run produced.
 *
 * <p>Stable: the components. The metric names are those of {@code tessera train --json} and the
 * manifest (docs/metrics.md); new metrics may be added.
 *
 * @param directory the tokenizer directory written, absolute
 * @param metrics test-split metrics by name, in the manifest's order ({@code mse}, {@code
 *     psnr}, {@code usage}, {@code perplexity}, ...)
 * @param steps optimisation steps done
 * @param imagesPerSecond training throughput: images through a full training step per second
 * @param exportCheckPassed whether the exported ONNX graphs agree with the trained model: equal
 *     tokens (ties between two equally near codes aside) and decoded pixels within one level
 * @param matchingTokens validation tokens on which the ONNX encoder and the trained model agree
 * @param totalTokens validation tokens compared
 * @param exportCheckSummary the self-check in one line, for logs
 */
public record TrainingOutcome(
        Path directory,
        Map<String, Double> metrics,
        int steps,
        double imagesPerSecond,
        boolean exportCheckPassed,
        int matchingTokens,
        int totalTokens,
        String exportCheckSummary) {

    public TrainingOutcome {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }
}
