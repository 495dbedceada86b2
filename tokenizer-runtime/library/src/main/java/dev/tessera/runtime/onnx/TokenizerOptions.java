package dev.tessera.runtime.onnx;

/**
 * How {@link Tokenizer#open(java.nio.file.Path, TokenizerOptions)} creates its ONNX Runtime
 * sessions.
 *
 * @param useCuda try the CUDA execution provider (device 0) first; needs the {@code
 *     onnxruntime_gpu} build ({@code -Pcuda}) and a GPU, and falls back to CPU with one log line
 *     when either is missing
 * @param intraOpThreads threads one run of a graph may use; 0 lets ONNX Runtime choose (one per
 *     core)
 * @param instances session pairs (encoder and decoder) the tokenizer holds, like the instances of a
 *     Triton model: up to this many encode runs and as many decode runs go on at once, each on a
 *     session and buffers of its own; at least 1
 * @param spinWait whether idle intra-op threads spin for new work (ONNX Runtime's default), which
 *     saves a little latency on an otherwise idle machine and burns the cores other runs and
 *     threads need when it is busy
 */
public record TokenizerOptions(
        boolean useCuda, int intraOpThreads, int instances, boolean spinWait) {

    /** Validates the counts. */
    public TokenizerOptions {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException(
                    "intraOpThreads: expected ≥ 0, got " + intraOpThreads);
        }
        if (instances < 1) {
            throw new IllegalArgumentException("instances: expected ≥ 1, got " + instances);
        }
    }

    /** CPU execution provider, ONNX Runtime's default threads and spinning, one instance. */
    public static TokenizerOptions defaults() {
        return new TokenizerOptions(false, 0, 1, true);
    }

    /** These options with the CUDA choice replaced. */
    public TokenizerOptions withCuda(boolean cuda) {
        return new TokenizerOptions(cuda, intraOpThreads, instances, spinWait);
    }

    /** These options with the intra-op thread count replaced. */
    public TokenizerOptions withIntraOpThreads(int threads) {
        return new TokenizerOptions(useCuda, threads, instances, spinWait);
    }

    /** These options with the number of instances replaced. */
    public TokenizerOptions withInstances(int count) {
        return new TokenizerOptions(useCuda, intraOpThreads, count, spinWait);
    }

    /** These options with spinning of idle intra-op threads switched on or off. */
    public TokenizerOptions withSpinWait(boolean spin) {
        return new TokenizerOptions(useCuda, intraOpThreads, instances, spin);
    }
}
