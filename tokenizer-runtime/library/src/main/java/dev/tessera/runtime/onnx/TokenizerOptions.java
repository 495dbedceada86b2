package dev.tessera.runtime.onnx;

/**
 * How {@link Tokenizer#open(java.nio.file.Path, TokenizerOptions)} creates its ONNX Runtime
 * sessions.
 *
 * @param useCuda try the CUDA execution provider (device 0) first; needs the {@code
 *     onnxruntime_gpu} build ({@code -Pcuda}) and a GPU, and falls back to CPU with one log line
 *     when either is missing
 * @param intraOpThreads threads one operator may use; 0 lets ONNX Runtime choose
 */
public record TokenizerOptions(boolean useCuda, int intraOpThreads) {

    /** Validates that the thread count is not negative. */
    public TokenizerOptions {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException(
                    "intraOpThreads: expected ≥ 0, got " + intraOpThreads);
        }
    }

    /** CPU execution provider, ONNX Runtime's default thread count. */
    public static TokenizerOptions defaults() {
        return new TokenizerOptions(false, 0);
    }

    /** These options with the CUDA choice replaced. */
    public TokenizerOptions withCuda(boolean cuda) {
        return new TokenizerOptions(cuda, intraOpThreads);
    }

    /** These options with the intra-op thread count replaced. */
    public TokenizerOptions withIntraOpThreads(int threads) {
        return new TokenizerOptions(useCuda, threads);
    }
}
