package dev.tessera.runtime.server;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and how a {@link TokenizerServer} listens.
 *
 * @param host address to bind; {@code 127.0.0.1} by default so that a server is never exposed by
 *     accident
 * @param port TCP port; 0 picks a free one
 * @param maxBatch most images or grids in one request; more is {@code RESOURCE_EXHAUSTED}
 * @param maxMessageBytes largest request message accepted
 * @param shutdownGrace how long {@link TokenizerServer#close()} lets calls in flight finish
 */
public record ServerConfig(
        String host, int port, int maxBatch, int maxMessageBytes, Duration shutdownGrace) {

    /** The default port of {@code tessera serve}. */
    public static final int DEFAULT_PORT = 50051;

    /** Validates every field. */
    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        if (host.isBlank()) {
            throw new IllegalArgumentException(
                    "host: expected an address such as 127.0.0.1, got \"\"");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: expected 0..65535, got " + port);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch: expected ≥ 1, got " + maxBatch);
        }
        if (maxMessageBytes < 1024) {
            throw new IllegalArgumentException(
                    "maxMessageBytes: expected ≥ 1024, got " + maxMessageBytes);
        }
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdownGrace: expected ≥ 0, got " + shutdownGrace);
        }
    }

    /** 127.0.0.1:50051, batches up to 256, messages up to 64 MiB, 10 s to drain on shutdown. */
    public static ServerConfig defaults() {
        return new ServerConfig("127.0.0.1", DEFAULT_PORT, 256, 64 << 20, Duration.ofSeconds(10));
    }

    /** This configuration bound to another host. */
    public ServerConfig withHost(String newHost) {
        return new ServerConfig(newHost, port, maxBatch, maxMessageBytes, shutdownGrace);
    }

    /** This configuration on another port. */
    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, maxBatch, maxMessageBytes, shutdownGrace);
    }

    /** This configuration with another batch limit. */
    public ServerConfig withMaxBatch(int newMaxBatch) {
        return new ServerConfig(host, port, newMaxBatch, maxMessageBytes, shutdownGrace);
    }
}
