package dev.tessera.train.quantize;

/** Validation shared by the quantizer configurations. */
final class QuantizerChecks {

    private QuantizerChecks() {}

    static void codebook(int codebookSize, int codeDim) {
        if (codebookSize < 2) {
            throw new IllegalArgumentException(
                    "codebook size must be at least 2, got " + codebookSize);
        }
        if (codeDim < 1) {
            throw new IllegalArgumentException("code dimension must be positive, got " + codeDim);
        }
    }
}
