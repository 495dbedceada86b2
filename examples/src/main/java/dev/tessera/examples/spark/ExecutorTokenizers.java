package dev.tessera.examples.spark;

import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.onnx.TokenizerOptions;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tokenizers of this JVM, one per directory and thread count: opened by the first task of an
 * executor that needs it, shared by all its tasks ({@link Tokenizer} is thread-safe) and closed
 * when the JVM exits.
 *
 * <p>Static by necessity: Spark ships a task as a serialized function, and what the tasks of one
 * executor share is their JVM. The directory is read once per executor; a tokenizer re-exported
 * into the same directory is not seen by a JVM that already opened it.
 */
final class ExecutorTokenizers {

    private record Key(Path dir, int threads) {}

    private static final Map<Key, Tokenizer> OPEN = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> OPEN.values().forEach(Tokenizer::close),
                                "tessera-close-tokenizers"));
    }

    private ExecutorTokenizers() {}

    /**
     * The tokenizer of directory {@code dir} with {@code threads} ONNX Runtime intra-op threads,
     * opened on first use.
     *
     * @throws dev.tessera.runtime.artifact.TokenizerLoadException if the directory is not a valid tokenizer
     */
    static Tokenizer get(String dir, int threads) {
        Key key = new Key(Path.of(dir).toAbsolutePath().normalize(), threads);
        return OPEN.computeIfAbsent(
                key,
                k ->
                        Tokenizer.open(
                                k.dir(),
                                TokenizerOptions.defaults().withIntraOpThreads(k.threads())));
    }
}
