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
