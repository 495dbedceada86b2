package dev.tessera.train.export;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.Tokenizer;
import dev.tessera.train.train.TrainedTokenizer;

/**
 * Compares an exported tokenizer, loaded through the runtime library that serves it, with the DJL
 * model it came from: the ONNX encoder's tokens must equal the DJL argmin tokens on every position,
 * and the ONNX decoder's pixels must lie within one level (1/255) of the DJL decoder's.
 */
public record ExportCheck(
        int matchingTokens, int totalTokens, int maxPixelDifference, int pixelsChecked) {

    /** Largest allowed difference between ONNX and DJL decoded pixels, in uint8 levels. */
    public static final int PIXEL_TOLERANCE = 1;

    public static ExportCheck run(
            TrainedTokenizer model, Tokenizer exported, ImageBatch validation) {
        TokenBatch reference = model.encode(validation);
        TokenBatch onnx = exported.encode(validation);
        int matching = 0;
        for (int i = 0; i < reference.ids().length; i++) {
            if (reference.ids()[i] == onnx.ids()[i]) {
                matching++;
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
                matching, reference.ids().length, maxDifference, referencePixels.length);
    }

    public boolean passed() {
        return matchingTokens == totalTokens && maxPixelDifference <= PIXEL_TOLERANCE;
    }

    public String summary() {
        return String.format(
                "encoder tokens %d/%d equal to the DJL model (%.2f%%), decoder max pixel difference"
                        + " %d/255 over %d pixels (allowed %d)",
                matchingTokens,
                totalTokens,
                100.0 * matchingTokens / totalTokens,
                maxPixelDifference,
                pixelsChecked,
                PIXEL_TOLERANCE);
    }
}
