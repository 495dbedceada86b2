package dev.tessera.runtime.server;

import dev.tessera.api.v1.TokenizerServiceGrpc;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running gRPC server for the models of a {@link ModelRegistry}: the tokenizer service, {@code
 * grpc.health.v1} (overall status {@code ""}, the service name and one entry per model name, all
 * {@code SERVING} once started) and server reflection.
 *
 * <p>{@link #close()} shuts down gracefully: health turns {@code NOT_SERVING}, new calls are
 * refused, calls in flight get the configured grace period, then the rest are cancelled. The server
 * does not own the registry; close that afterwards.
 */
public final class TokenizerServer implements AutoCloseable {

    private final Server server;
    private final HealthStatusManager health;
    private final ServerConfig config;
    private final String address;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TokenizerServer(
            Server server, HealthStatusManager health, ServerConfig config, String address) {
        this.server = server;
        this.health = health;
        this.config = config;
        this.address = address;
    }

    /**
     * Starts a Netty server on {@code config.host():config.port()}.
     *
     * @throws IOException if the address cannot be bound (in use, not local, no permission)
     */
    public static TokenizerServer start(ModelRegistry registry, ServerConfig config)
            throws IOException {
        NettyServerBuilder builder =
                NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.port()))
                        .maxInboundMessageSize(config.maxMessageBytes());
        return start(builder, registry, config, null);
    }

    /** Starts a server on the in-process transport under {@code name}, for tests and embedding. */
    public static TokenizerServer startInProcess(
            ModelRegistry registry, String name, ServerConfig config) throws IOException {
        InProcessServerBuilder builder =
                InProcessServerBuilder.forName(name)
                        .maxInboundMessageSize(config.maxMessageBytes());
        return start(builder, registry, config, "in-process:" + name);
    }

    private static TokenizerServer start(
            ServerBuilder<?> builder,
            ModelRegistry registry,
            ServerConfig config,
            String inProcessAddress)
            throws IOException {
        Objects.requireNonNull(registry, "registry");
        HealthStatusManager health = new HealthStatusManager();
        Server server =
                builder.addService(new TokenizerGrpcService(registry, config.maxBatch()))
                        .addService(health.getHealthService())
                        .addService(ProtoReflectionServiceV1.newInstance())
                        .build()
                        .start();
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
        health.setStatus(TokenizerServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
        for (String name : registry.names()) {
            health.setStatus(name, ServingStatus.SERVING);
        }
        String address =
                inProcessAddress != null
                        ? inProcessAddress
                        : hostForAddress(config.host()) + ":" + server.getPort();
        return new TokenizerServer(server, health, config, address);
    }

    private static String hostForAddress(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /**
     * The bound TCP port (the chosen one when configured with 0); -1 on the in-process transport.
     */
    public int port() {
        return server.getPort();
    }

    /** {@code host:port} the server listens on, or {@code in-process:name}. */
    public String address() {
        return address;
    }

    /**
     * Blocks until the server has terminated (after {@link #close()}, e.g. from a shutdown hook).
     */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /** True once the server has shut down and every call has finished. */
    public boolean isTerminated() {
        return server.isTerminated();
    }

    /** Graceful shutdown, bounded by the configured grace period. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        health.enterTerminalState();
        server.shutdown();
        try {
            if (!server.awaitTermination(
                    config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
                server.awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
