package dev.tessera.train.api;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.train.eval.CodebookUsage;
import dev.tessera.train.eval.PixelError;

/**
 * How well a tokenizer round trip kept a set of images, measured as the trainer measures it
 * (docs/metrics.md): the pixel error of the decoded images and the use of the codebook by the
 * tokens.
 *
 * <p>Stable.
 *
 * @param mse mean squared error, pixel values scaled to [0, 1]
 * @param psnr 10·log10(1 / mse), in dB; infinite for a perfect reconstruction
 * @param usedCodes codes chosen at least once
 * @param codebookSize the number K of codes
 * @param perplexity exp(H) of the code frequencies: the number of equally used codes with the same
 *     entropy
 */
public record ReconstructionQuality(
        double mse, double psnr, int usedCodes, int codebookSize, double perplexity) {

    /**
     * The quality of {@code decoded} as a copy of {@code originals}, with {@code tokens} the codes
     * they went through and {@code codebookSize} the tokenizer's K.
     */
    public static ReconstructionQuality of(
            ImageBatch originals, ImageBatch decoded, TokenBatch tokens, int codebookSize) {
        PixelError error = PixelError.of(originals.pixels(), decoded.pixels());
        CodebookUsage usage = CodebookUsage.of(tokens.ids(), codebookSize);
        return new ReconstructionQuality(
                error.mse(), error.psnr(), usage.usedCodes(), codebookSize, usage.perplexity());
    }

    /** Fraction of the K codes chosen at least once. */
    public double usage() {
        return usedCodes / (double) codebookSize;
    }
}
