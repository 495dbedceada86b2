package dev.tessera.train.eval;

import dev.tessera.api.v1.TokenizerManifest;
import dev.tessera.runtime.onnx.Tokenizer;

import java.util.Optional;

/**
 * The GM-VQ posterior q(c|x) = softmax_c(−‖ẑ − μ_c‖² / 2σ_q²) of each latent vector ẑ
 * (docs/gmvq.md), from an exported tokenizer's codebook and recorded σ_q².
 */
public final class GmVqPosterior {

    /** Logits this far below the largest give weights under e^−60 ≈ 1e−26: they are dropped. */
    private static final double NEGLIGIBLE = -60;

    private final float[] codebook;
    private final double[] codeNorms;
    private final int codebookSize;
    private final int codeDim;
    private final double variance;

    /**
     * @param codebook μ, [K, L] row-major
     * @param variance σ_q², positive
     */
    public GmVqPosterior(float[] codebook, int codebookSize, int codeDim, double variance) {
        if (codebook.length != codebookSize * codeDim) {
            throw new IllegalArgumentException(
                    "codebook has " + codebook.length + " values, expected K*L");
        }
        if (!(variance > 0) || !Double.isFinite(variance)) {
            throw new IllegalArgumentException(
                    "posterior variance must be positive, got " + variance);
        }
        this.codebook = codebook.clone();
        this.codebookSize = codebookSize;
        this.codeDim = codeDim;
        this.variance = variance;
        this.codeNorms = new double[codebookSize];
        for (int c = 0; c < codebookSize; c++) {
            for (int l = 0; l < codeDim; l++) {
                double v = codebook[c * codeDim + l];
                codeNorms[c] += v * v;
            }
        }
    }

    /**
     * The posterior of a GM-VQ tokenizer that records σ_q² and exports its latents; empty for other
     * quantizers, which have no posterior.
     */
    public static Optional<GmVqPosterior> of(Tokenizer tokenizer) {
        TokenizerManifest manifest = tokenizer.manifest();
        String variance = manifest.getTraining().getConfigMap().get("posterior_variance");
        if (!"gmvq".equals(manifest.getQuantizer())
                || variance == null
                || !tokenizer.hasLatents()) {
            return Optional.empty();
        }
        var codebook = tokenizer.codebook();
        return Optional.of(
                new GmVqPosterior(
                        codebook.values(),
                        codebook.rows(),
                        codebook.cols(),
                        Double.parseDouble(variance)));
    }

    public int codebookSize() {
        return codebookSize;
    }

    public int codeDim() {
        return codeDim;
    }

    public double variance() {
        return variance;
    }

    /** q(·|ẑ) of every row of {@code rows} [M, L], as [M, K] row-major. */
    public double[] posteriors(float[] rows) {
        if (rows.length % codeDim != 0) {
            throw new IllegalArgumentException("latents must come in rows of L = " + codeDim);
        }
        int m = rows.length / codeDim;
        double[] out = new double[m * codebookSize];
        for (int r = 0; r < m; r++) {
            posterior(rows, r, out);
        }
        return out;
    }

    private void posterior(float[] rows, int r, double[] out) {
        int base = r * codebookSize;
        int offset = r * codeDim;
        double norm = 0;
        for (int l = 0; l < codeDim; l++) {
            norm += (double) rows[offset + l] * rows[offset + l];
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < codebookSize; c++) {
            double dot = 0;
            int code = c * codeDim;
            for (int l = 0; l < codeDim; l++) {
                dot += (double) rows[offset + l] * codebook[code + l];
            }
            double distance = Math.max(0, norm - 2 * dot + codeNorms[c]);
            double logit = -distance / (2 * variance);
            out[base + c] = logit;
            max = Math.max(max, logit);
        }
        // Max-shifted softmax: exp never overflows and the largest term is exactly 1.
        double total = 0;
        for (int c = 0; c < codebookSize; c++) {
            double shifted = out[base + c] - max;
            double w = shifted < NEGLIGIBLE ? 0 : Math.exp(shifted);
            out[base + c] = w;
            total += w;
        }
        for (int c = 0; c < codebookSize; c++) {
            out[base + c] /= total;
        }
    }
}
