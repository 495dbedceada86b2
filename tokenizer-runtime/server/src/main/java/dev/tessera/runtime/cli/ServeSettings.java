package dev.tessera.runtime.cli;

import dev.tessera.runtime.onnx.TokenizerOptions;
import dev.tessera.runtime.server.ServerConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code serve} runs, checked: the models, where to listen and how, and the metrics port.
 *
 * @param models tokenizer directories to serve as they are (no hot reload)
 * @param repository model repository of {@code <name>/<version>/} directories, hot reloaded
 * @param pollInterval how often the repository is scanned; zero scans it once at start
 * @param server where to listen, batching, limits and security
 * @param tokenizer how to run the models
 * @param metricsPort port of the Prometheus endpoint on the server's host; 0 for none
 * @param verbose print stack traces with errors and debug logs
 */
public record ServeSettings(
        List<Path> models,
        Optional<Path> repository,
        Duration pollInterval,
        ServerConfig server,
        TokenizerOptions tokenizer,
        int metricsPort,
        boolean verbose) {

    /** Scan interval of a model repository unless {@code --poll-interval-ms} says otherwise. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);

    /**
     * How the server runs its models: {@code instances} sessions per graph and idle intra-op
     * threads that sleep instead of spinning, since spinning threads take the cores the other runs
     * and gRPC need. On the CPU the default is one thread per run and one instance per core, which
     * did the most images per CPU second (docs/benchmarks.md); with CUDA one instance with ONNX
     * Runtime's threads, since each instance holds its own copy of the weights on the GPU.
     *
     * @param intraOpThreads threads per run, 0 for ONNX Runtime's choice (one per core); null for
     *     the default
     * @param instances runs in flight per model and direction; null for the default
     */
    public static TokenizerOptions engine(
            boolean cuda, Integer intraOpThreads, Integer instances, int cores) {
        int threads = intraOpThreads != null ? intraOpThreads : cuda ? 0 : 1;
        int perRun = threads == 0 ? cores : threads;
        int count = instances != null ? instances : cuda ? 1 : Math.max(1, cores / perRun);
        return TokenizerOptions.defaults()
                .withCuda(cuda)
                .withIntraOpThreads(threads)
                .withInstances(count)
                .withSpinWait(false);
    }

    /** Validates that there is something to serve and copies the list. */
    public ServeSettings {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(tokenizer, "tokenizer");
        models = List.copyOf(models);
        if (models.isEmpty() && repository.isEmpty()) {
            throw new IllegalArgumentException(
                    "models: expected at least one tokenizer directory or a model repository");
        }
        if (pollInterval.isNegative()) {
            throw new IllegalArgumentException("pollInterval: expected ≥ 0, got " + pollInterval);
        }
        if (metricsPort < 0 || metricsPort > 65535) {
            throw new IllegalArgumentException(
                    "metricsPort: expected 0..65535, got " + metricsPort);
        }
    }
}
