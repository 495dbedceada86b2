package dev.tessera.runtime.measure;

import dev.tessera.cli.CommandFailedException;
import dev.tessera.cli.IntRange;
import dev.tessera.runtime.artifact.TokenizerLoadException;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.onnx.TokenizerOptions;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** How a benchmark runs its model ({@code @Mixin}): {@code --threads} and {@code --cuda}. */
public final class EngineOptions {

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "ONNX Runtime intra-op threads (default: ONNX Runtime's)")
    @IntRange(min = 0, max = 4096)
    private int threads;

    @Option(names = "--cuda", description = "use the CUDA execution provider when available")
    private boolean cuda;

    /** The runtime options these settings give. */
    public TokenizerOptions options() {
        return TokenizerOptions.defaults().withCuda(cuda).withIntraOpThreads(threads);
    }

    /**
     * @throws CommandFailedException naming the directory if it cannot be loaded
     */
    public static Tokenizer open(Path model, TokenizerOptions options) {
        try {
            return Tokenizer.open(model, options);
        } catch (TokenizerLoadException e) {
            throw new CommandFailedException("cannot open " + model + ": " + e.getMessage(), e);
        }
    }
}
