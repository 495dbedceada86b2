package dev.tessera.runtime.server;

import dev.tessera.runtime.server.batching.BatchPolicy;
import dev.tessera.runtime.server.security.TlsConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Where and how a {@link TokenizerServer} listens, batches and protects itself.
 *
 * @param host address to bind; {@code 127.0.0.1} by default so that a server is never exposed by
 *     accident
 * @param port TCP port; 0 picks a free one
 * @param batching dynamic batching per model; its {@code maxBatch} is also the most images or grids
 *     one request may carry (more is {@code RESOURCE_EXHAUSTED})
 * @param limits message size and concurrency limits
 * @param keepalive HTTP/2 keepalive
 * @param drainTimeout how long {@link TokenizerServer#close()} lets calls in flight finish before
 *     cancelling them
 * @param tls TLS or mutual TLS for the port; empty for plain text
 * @param authTokenFile file of accepted bearer tokens; empty for no authentication
 * @param batchTicker the nanosecond time the batchers measure their delay with; {@link
 *     System#nanoTime} but in tests, which advance a ticker of their own instead of sleeping
 */
public record ServerConfig(
        String host,
        int port,
        BatchPolicy batching,
        CallLimits limits,
        KeepaliveConfig keepalive,
        Duration drainTimeout,
        Optional<TlsConfig> tls,
        Optional<Path> authTokenFile,
        LongSupplier batchTicker) {

    /** The default port of {@code tessera serve}. */
    public static final int DEFAULT_PORT = 50051;

    /** Validates every field. */
    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(batching, "batching");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(keepalive, "keepalive");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(authTokenFile, "authTokenFile");
        Objects.requireNonNull(batchTicker, "batchTicker");
        if (host.isBlank()) {
            throw new IllegalArgumentException(
                    "host: expected an address such as 127.0.0.1, got \"\"");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: expected 0..65535, got " + port);
        }
        if (drainTimeout.isNegative()) {
            throw new IllegalArgumentException("drainTimeout: expected ≥ 0, got " + drainTimeout);
        }
    }

    /**
     * 127.0.0.1:50051, {@link BatchPolicy#defaults()}, {@link CallLimits#defaults()}, {@link
     * KeepaliveConfig#defaults()}, 20 s to drain on shutdown, no TLS, no authentication.
     */
    public static ServerConfig defaults() {
        return new ServerConfig(
                "127.0.0.1",
                DEFAULT_PORT,
                BatchPolicy.defaults(),
                CallLimits.defaults(),
                KeepaliveConfig.defaults(),
                Duration.ofSeconds(20),
                Optional.empty(),
                Optional.empty(),
                System::nanoTime);
    }

    /** Most images or grids per request and per model run. */
    public int maxBatch() {
        return batching.maxBatch();
    }

    /** Largest request message accepted. */
    public int maxMessageBytes() {
        return limits.maxMessageBytes();
    }

    /** This configuration bound to another host. */
    public ServerConfig withHost(String newHost) {
        return new ServerConfig(
                newHost,
                port,
                batching,
                limits,
                keepalive,
                drainTimeout,
                tls,
                authTokenFile,
                batchTicker);
    }

    /** This configuration on another port. */
    public ServerConfig withPort(int newPort) {
        return new ServerConfig(
                host,
                newPort,
                batching,
                limits,
                keepalive,
                drainTimeout,
                tls,
                authTokenFile,
                batchTicker);
    }

    /** This configuration with another batch limit (and a queue at least that large). */
    public ServerConfig withMaxBatch(int newMaxBatch) {
        return withBatching(
                new BatchPolicy(
                        newMaxBatch,
                        batching.maxDelay(),
                        Math.max(newMaxBatch, batching.queueCapacity())));
    }

    /** This configuration with another batching policy. */
    public ServerConfig withBatching(BatchPolicy newBatching) {
        return new ServerConfig(
                host,
                port,
                newBatching,
                limits,
                keepalive,
                drainTimeout,
                tls,
                authTokenFile,
                batchTicker);
    }

    /** This configuration with other call limits. */
    public ServerConfig withLimits(CallLimits newLimits) {
        return new ServerConfig(
                host,
                port,
                batching,
                newLimits,
                keepalive,
                drainTimeout,
                tls,
                authTokenFile,
                batchTicker);
    }

    /** This configuration with other keepalive settings. */
    public ServerConfig withKeepalive(KeepaliveConfig newKeepalive) {
        return new ServerConfig(
                host,
                port,
                batching,
                limits,
                newKeepalive,
                drainTimeout,
                tls,
                authTokenFile,
                batchTicker);
    }

    /** This configuration with another drain timeout. */
    public ServerConfig withDrainTimeout(Duration newDrainTimeout) {
        return new ServerConfig(
                host,
                port,
                batching,
                limits,
                keepalive,
                newDrainTimeout,
                tls,
                authTokenFile,
                batchTicker);
    }

    /** This configuration with TLS (or without, for an empty optional). */
    public ServerConfig withTls(Optional<TlsConfig> newTls) {
        return new ServerConfig(
                host,
                port,
                batching,
                limits,
                keepalive,
                drainTimeout,
                newTls,
                authTokenFile,
                batchTicker);
    }

    /** This configuration with batchers that measure their delay with {@code ticker}. */
    public ServerConfig withBatchTicker(LongSupplier ticker) {
        return new ServerConfig(
                host, port, batching, limits, keepalive, drainTimeout, tls, authTokenFile, ticker);
    }

    /** This configuration with bearer-token authentication from a file (or without). */
    public ServerConfig withAuthTokenFile(Optional<Path> newAuthTokenFile) {
        return new ServerConfig(
                host,
                port,
                batching,
                limits,
                keepalive,
                drainTimeout,
                tls,
                newAuthTokenFile,
                batchTicker);
    }
}
