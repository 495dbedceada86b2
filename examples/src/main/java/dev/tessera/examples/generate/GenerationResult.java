package dev.tessera.examples.generate;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a generation run measured and made.
 *
 * @param shape the grids the prior models
 * @param prior the prior's size and training settings (those it was trained with when loaded)
 * @param parameterCount trained values of the prior
 * @param training the training run; null when a saved prior was sampled
 * @param nll likelihoods of the token grids, in nats per token
 * @param frechet Fréchet distances to the test images
 * @param samples the transformer's grids that {@code frechet.transformer()} measured
 * @param sampleLabels class of each sample, -1 for unconditional ones
 * @param decoded the decodes of {@code samples}
 * @param seconds wall time of each phase, in order
 */
public record GenerationResult(
        GridShape shape,
        PriorConfig prior,
        long parameterCount,
        PriorTrainer.Run training,
        Likelihoods nll,
        Distances frechet,
        TokenBatch samples,
        int[] sampleLabels,
        ImageBatch decoded,
        Map<String, Double> seconds) {

    public GenerationResult {
        sampleLabels = sampleLabels.clone();
        // In the order the phases ran.
        seconds = Collections.unmodifiableMap(new LinkedHashMap<>(seconds));
    }

    @Override
    public int[] sampleLabels() {
        return sampleLabels.clone();
    }

    /**
     * Mean negative log-likelihoods, nats per token.
     *
     * @param train the prior on the first training grids (at most 2,000), with labels: with {@code
     *     test}, a check for overfitting
     * @param test the prior on the test grids, with labels when class-conditional
     * @param testUnconditional a class-conditional prior on the test grids given the unconditional
     *     start token: an estimate of −log p(grid) comparable with {@code independentTest}; NaN for
     *     an unconditional prior (then equal to {@code test})
     * @param independentTest the independent-position prior (add-one smoothed) on the test grids
     */
    public record Likelihoods(
            double train, double test, double testUnconditional, double independentTest) {}

    /**
     * Fréchet distances from the test images (docs/metrics.md), same number of samples for both
     * priors.
     *
     * @param transformer to decodes of the transformer's samples
     * @param independent to decodes of the independent-position prior's samples ({@code
     *     frechet_prior})
     * @param reconstruction to the test images' own reconstructions ({@code frechet_recon}): the
     *     floor the tokenizer sets
     * @param samples grids drawn from each prior
     */
    public record Distances(
            double transformer, double independent, double reconstruction, int samples) {}
}
