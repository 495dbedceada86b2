package dev.tessera.train.analysis;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.train.eval.GmVqPosterior;
import dev.tessera.train.eval.SplitMetrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every per-split metric of docs/metrics.md, gathered in one pass over the split's images
 * through the runtime library: encode, decode, re-encode the reconstructions, and read the GM-VQ
 * posteriors from the exported latents.
 */
final class SplitAnalysis {

    private final Tokenizer tokenizer;
    private final GmVqPosterior posterior;
    private final SplitMetrics pixels;
    private final CodeInformation information;
    private final FrechetReference.Sample originals;
    private final FrechetReference.Sample reconstructions;
    private final PositionPrior prior;
    private double squaredErrorSum;
    private long images;
    private long unchangedTokens;
    private long tokens;

    SplitAnalysis(
            Tokenizer tokenizer, Optional<GmVqPosterior> posterior, FrechetReference reference) {
        this.tokenizer = tokenizer;
        this.posterior = posterior.orElse(null);
        this.pixels = new SplitMetrics(tokenizer.codebookSize(), null);
        this.information =
                new CodeInformation(
                        tokenizer.codebookSize(), tokenizer.gridHeight() * tokenizer.gridWidth());
        this.originals = reference.sample();
        this.reconstructions = reference.sample();
        this.prior =
                new PositionPrior(
                        tokenizer.codebookSize(), tokenizer.gridHeight(), tokenizer.gridWidth());
    }

    /** Adds a batch of the split's images; returns their reconstructions. */
    ImageBatch add(ImageBatch batch) {
        TokenBatch codes = tokenizer.encode(batch);
        ImageBatch decoded = tokenizer.decode(codes);
        pixels.add(batch.pixels(), codes.ids(), decoded.pixels(), batch.count());
        if (posterior != null) {
            information.addPosteriors(posterior.posteriors(tokenizer.latents(batch).values()));
        } else {
            information.addCodes(codes.ids());
        }
        originals.add(batch);
        reconstructions.add(decoded);
        prior.add(codes);
        squaredErrorSum += squaredError(batch.pixels(), decoded.pixels());
        images += batch.count();
        unchangedTokens +=
                ReencodeConsistency.unchanged(codes.ids(), tokenizer.encode(decoded).ids());
        tokens += codes.ids().length;
        return decoded;
    }

    /** Σ over pixels of (x − x̂)², pixel values in [0, 1]. */
    static double squaredError(byte[] original, byte[] reconstructed) {
        double sum = 0;
        for (int i = 0; i < original.length; i++) {
            double d = ((original[i] & 0xff) - (reconstructed[i] & 0xff)) / 255.0;
            sum += d * d;
        }
        return sum;
    }

    PositionPrior prior() {
        return prior;
    }

    SplitResult result() {
        Map<String, Double> base = pixels.metrics();
        InformationMetrics info = information.metrics();
        // The split's own images against their reconstructions: that pairing is the coupling the
        // bound below is about. Both live in the test images' principal subspace.
        double frechet = FrechetDistance.between(originals.fit(), reconstructions.fit());
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("mse", base.get("mse"));
        m.put("psnr", base.get("psnr"));
        m.put("perplexity", base.get("perplexity"));
        if (posterior != null) {
            // exp H(q̄) with q̄ pooled over images and positions, as soft_perplexity defines it.
            m.put(
                    "soft_perplexity",
                    Math.exp(Math.log(tokenizer.codebookSize()) - info.marginalKlNats()));
        }
        m.put("usage", base.get("usage"));
        m.put("dead_codes", base.get("dead_codes"));
        m.put("rate_nats", info.rateNats());
        m.put("mutual_information_nats", info.mutualInformationNats());
        m.put("marginal_kl_nats", info.marginalKlNats());
        m.put("collapsed_positions", (double) info.collapsedPositions());
        m.put("reencode_consistency", ReencodeConsistency.fraction(unchangedTokens, tokens));
        m.put("frechet_recon", frechet);
        m.put("w2_gaussian_recon", Math.sqrt(frechet));
        m.put("w2_coupling_bound", Math.sqrt(squaredErrorSum / images));
        m.put("images", (double) images);
        return new SplitResult(m, info, pixels.counts());
    }
}
