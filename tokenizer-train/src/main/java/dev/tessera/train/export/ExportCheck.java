package dev.tessera.train.export;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.LatentBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.format.FloatMatrix;
import dev.tessera.train.train.TrainedTokenizer;

/**
 * Compares an exported tokenizer, loaded through the runtime library that serves it, with the DJL
 * model it came from: the ONNX encoder's tokens must equal the DJL argmin tokens on every position,
 * and the ONNX decoder's pixels must lie within one level (1/255) of the DJL decoder's.
 *
 * <p>The DJL side is always a forward pass of the same weights on the CPU ({@link
 * TrainedTokenizer#onCpu}), wherever the model was trained: a GPU's convolutions (TF32, cuDNN's
 * algorithms) differ from ONNX Runtime's on the CPU by more than any tolerance that would still
 * catch a wrong graph, while the same arithmetic on the CPU agrees with it to rounding.
 *
 * <p>The one exception is a tie: a position whose vector lies equally far, to float rounding, from
 * two codes (a code reset onto an encoder output can make this happen). Two engines that sum in a
 * different order may then pick different codes, and either is the nearest. A differing token
 * counts as tied only when the two codes' squared distances to the exported latent differ by less
 * than {@link #TIE_TOLERANCE} of ‖ẑ‖² + ‖μ_a‖² + ‖μ_b‖², the size of the terms both engines add up
 * in float32 to score the codes; every other difference fails the check.
 *
 * @param matchingTokens positions where both give the same token
 * @param totalTokens positions checked
 * @param tiedTokens differing positions where the two codes are equally near (see above)
 * @param maxPixelDifference largest decoder difference, in uint8 levels
 * @param pixelsChecked decoded values compared
 */
public record ExportCheck(
        int matchingTokens,
        int totalTokens,
        int tiedTokens,
        int maxPixelDifference,
        int pixelsChecked) {

    /** Largest allowed difference between ONNX and DJL decoded pixels, in uint8 levels. */
    public static final int PIXEL_TOLERANCE = 1;

    /**
     * Difference of squared distances, relative to the terms summed to score them, below which two
     * codes count as tied: about a hundred float32 roundings.
     */
    public static final double TIE_TOLERANCE = 1e-5;

    public static ExportCheck run(
            TrainedTokenizer model, Tokenizer exported, ImageBatch validation) {
        try (TrainedTokenizer cpu = model.onCpu()) {
            return compare(cpu, exported, validation);
        }
    }

    private static ExportCheck compare(
            TrainedTokenizer model, Tokenizer exported, ImageBatch validation) {
        TokenBatch reference = model.encode(validation);
        TokenBatch onnx = exported.encode(validation);
        int matching = 0;
        int tied = 0;
        LatentBatch latents = null;
        for (int i = 0; i < reference.ids().length; i++) {
            if (reference.ids()[i] == onnx.ids()[i]) {
                matching++;
            } else if (exported.hasLatents()) {
                if (latents == null) {
                    latents = exported.latents(validation);
                }
                if (tie(latents, exported.codebook(), i, reference.ids()[i], onnx.ids()[i])) {
                    tied++;
                }
            }
        }
        float[] referencePixels = model.decodeLevels(reference);
        byte[] onnxPixels = exported.decode(reference).pixels();
        int maxDifference = 0;
        for (int i = 0; i < referencePixels.length; i++) {
            maxDifference =
                    Math.max(
                            maxDifference,
                            (int) Math.abs((onnxPixels[i] & 0xff) - referencePixels[i]));
        }
        return new ExportCheck(
                matching, reference.ids().length, tied, maxDifference, referencePixels.length);
    }

    /** Whether codes a and b are equally near the latent of position {@code position}. */
    static boolean tie(LatentBatch latents, FloatMatrix codebook, int position, int a, int b) {
        double da = squaredDistance(latents, codebook, position, a);
        double db = squaredDistance(latents, codebook, position, b);
        double scale =
                squaredNorm(latents.values(), position * latents.dim(), latents.dim())
                        + squaredNorm(codebook.values(), a * codebook.cols(), codebook.cols())
                        + squaredNorm(codebook.values(), b * codebook.cols(), codebook.cols());
        return Math.abs(da - db) <= TIE_TOLERANCE * Math.max(scale, 1e-30);
    }

    private static double squaredNorm(float[] values, int offset, int length) {
        double sum = 0;
        for (int i = offset; i < offset + length; i++) {
            sum += (double) values[i] * values[i];
        }
        return sum;
    }

    private static double squaredDistance(
            LatentBatch latents, FloatMatrix codebook, int position, int code) {
        double sum = 0;
        for (int d = 0; d < latents.dim(); d++) {
            double diff = latents.values()[position * latents.dim() + d] - codebook.get(code, d);
            sum += diff * diff;
        }
        return sum;
    }

    public boolean passed() {
        return matchingTokens + tiedTokens == totalTokens && maxPixelDifference <= PIXEL_TOLERANCE;
    }

    public String summary() {
        return String.format(
                "encoder tokens %d/%d equal to the DJL model (%.2f%%)%s, decoder max pixel"
                        + " difference %d/255 over %d pixels (allowed %d)",
                matchingTokens,
                totalTokens,
                100.0 * matchingTokens / totalTokens,
                tiedTokens == 0
                        ? ""
                        : ", " + tiedTokens + " more tied between two equally near codes",
                maxPixelDifference,
                pixelsChecked,
                PIXEL_TOLERANCE);
    }
}
