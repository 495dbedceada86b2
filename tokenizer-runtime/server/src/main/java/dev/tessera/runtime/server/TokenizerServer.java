package dev.tessera.runtime.server;

import dev.tessera.runtime.server.security.BearerTokenInterceptor;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running gRPC server for the models of a {@link ModelRegistry}: the tokenizer service with
 * dynamic batching and, on the same port and over the same batchers, the Open Inference Protocol
 * ({@code inference.GRPCInferenceService}, see {@link InferenceGrpcService}), {@code grpc.health.v1} (overall {@code ""}, the service name and one entry per
 * model name; see {@link ModelHealth}) and server reflection; optionally TLS or mutual TLS and
 * bearer-token authentication (health and reflection stay open), as {@link ServerConfig} says.
 *
 * <p>{@link #listen} starts answering {@code UNAVAILABLE} and health {@code NOT_SERVING} until
 * {@link #markServing()}, so a server can accept connections while it loads; {@link #start} is both
 * in one step. {@link #close()} drains: health turns {@code NOT_SERVING}, new calls are refused,
 * calls in flight (streams included) get the drain timeout to finish, then the rest are cancelled.
 * The drain timeout runs on a timer ({@link ScheduledExecutorService}): a thread of the server's
 * own, or one given to {@link #listen(ModelRegistry, ServerConfig, ServerMetrics,
 * ScheduledExecutorService)}, such as a test's manual clock. Owns its gRPC server and threads; it
 * does not own the registry: close that afterwards.
 */
public final class TokenizerServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(TokenizerServer.class.getName());

    private final Server server;
    private final ModelHealth health;
    private final ServerConfig config;
    private final String address;
    private final ExecutorService executor;
    private final AtomicBoolean ready;
    private final ServerMetrics metrics;
    private final ModelRegistry registry;
    private final ScheduledExecutorService timer; // null: a thread of its own while draining
    private final AtomicBoolean closed = new AtomicBoolean();

    private TokenizerServer(
            Server server,
            ModelHealth health,
            ServerConfig config,
            String address,
            ExecutorService executor,
            AtomicBoolean ready,
            ServerMetrics metrics,
            ModelRegistry registry,
            ScheduledExecutorService timer) {
        this.server = server;
        this.health = health;
        this.config = config;
        this.address = address;
        this.executor = executor;
        this.ready = ready;
        this.metrics = metrics;
        this.registry = registry;
        this.timer = timer;
    }

    /**
     * Starts a serving Netty server on {@code config.host():config.port()} with metrics kept in a
     * registry of its own.
     *
     * @throws IOException if the address cannot be bound or a TLS or token file cannot be read
     */
    public static TokenizerServer start(ModelRegistry registry, ServerConfig config)
            throws IOException {
        TokenizerServer server =
                listen(registry, config, new ServerMetrics(new PrometheusRegistry(), registry));
        server.markServing();
        return server;
    }

    /** Starts a serving server on the in-process transport under {@code name}, for tests. */
    public static TokenizerServer startInProcess(
            ModelRegistry registry, String name, ServerConfig config) throws IOException {
        TokenizerServer server =
                listenInProcess(
                        registry,
                        name,
                        config,
                        new ServerMetrics(new PrometheusRegistry(), registry));
        server.markServing();
        return server;
    }

    /**
     * Starts a Netty server that is not yet serving (see {@link #markServing()}).
     *
     * @throws IOException if the address cannot be bound or a TLS or token file cannot be read
     */
    public static TokenizerServer listen(
            ModelRegistry registry, ServerConfig config, ServerMetrics metrics) throws IOException {
        return listen(registry, config, metrics, null);
    }

    /**
     * Starts a Netty server that is not yet serving, whose drain timeout runs on {@code timer}
     * (which it does not own; null for a thread of its own).
     *
     * @throws IOException if the address cannot be bound or a TLS or token file cannot be read
     */
    public static TokenizerServer listen(
            ModelRegistry registry,
            ServerConfig config,
            ServerMetrics metrics,
            ScheduledExecutorService timer)
            throws IOException {
        ServerCredentials credentials =
                config.tls().isPresent()
                        ? config.tls().get().credentials()
                        : InsecureServerCredentials.create();
        KeepaliveConfig keepalive = config.keepalive();
        int perConnection = config.limits().maxCallsPerConnection();
        NettyServerBuilder builder =
                NettyServerBuilder.forAddress(
                                new InetSocketAddress(config.host(), config.port()), credentials)
                        .keepAliveTime(keepalive.time().toMillis(), TimeUnit.MILLISECONDS)
                        .keepAliveTimeout(keepalive.timeout().toMillis(), TimeUnit.MILLISECONDS)
                        .permitKeepAliveTime(
                                keepalive.permitTime().toMillis(), TimeUnit.MILLISECONDS)
                        .permitKeepAliveWithoutCalls(true)
                        .maxConcurrentCallsPerConnection(
                                perConnection == 0 ? Integer.MAX_VALUE : perConnection);
        warnIfTokensTravelInClear(config);
        return build(builder, registry, config, metrics, timer, null);
    }

    /** Starts an in-process server under {@code name} that is not yet serving. */
    public static TokenizerServer listenInProcess(
            ModelRegistry registry, String name, ServerConfig config, ServerMetrics metrics)
            throws IOException {
        return listenInProcess(registry, name, config, metrics, null);
    }

    /**
     * Starts an in-process server under {@code name} that is not yet serving, whose drain timeout
     * runs on {@code timer} (null: a thread of its own).
     */
    static TokenizerServer listenInProcess(
            ModelRegistry registry,
            String name,
            ServerConfig config,
            ServerMetrics metrics,
            ScheduledExecutorService timer)
            throws IOException {
        return build(
                InProcessServerBuilder.forName(name),
                registry,
                config,
                metrics,
                timer,
                "in-process:" + name);
    }

    private static TokenizerServer build(
            ServerBuilder<?> builder,
            ModelRegistry registry,
            ServerConfig config,
            ServerMetrics metrics,
            ScheduledExecutorService timer,
            String inProcessAddress)
            throws IOException {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(metrics, "metrics");
        ExecutorService executor = callExecutor();
        HealthStatusManager healthManager = new HealthStatusManager();
        ModelHealth health = new ModelHealth(healthManager, registry);
        try {
            AtomicBoolean ready = new AtomicBoolean();
            ConcurrencyLimitInterceptor limiter =
                    new ConcurrencyLimitInterceptor(config.limits().maxConcurrentCalls());
            metrics.trackCallsInFlight(limiter::inFlight);
            ModelCalls calls = new ModelCalls(registry, config, metrics, executor, ready::get);
            TokenizerGrpcService tokenizer =
                    new TokenizerGrpcService(calls, config.limits().streamWindow());
            InferenceGrpcService inference = new InferenceGrpcService(calls);
            builder.executor(executor)
                    .maxInboundMessageSize(config.maxMessageBytes())
                    .addStreamTracerFactory(new CallTracker(metrics))
                    // Both APIs behind one concurrency limit, so --max-concurrent-calls is overall.
                    .addService(
                            ServerInterceptors.intercept(
                                    RequestParsing.guard(tokenizer.bindService()), limiter))
                    .addService(
                            ServerInterceptors.intercept(
                                    RequestParsing.guard(inference.bindService()), limiter))
                    .addService(healthManager.getHealthService())
                    .addService(ProtoReflectionServiceV1.newInstance());
            if (config.authTokenFile().isPresent()) {
                builder.intercept(BearerTokenInterceptor.fromFile(config.authTokenFile().get()));
            }
            Server server = builder.build().start();
            String address =
                    inProcessAddress != null
                            ? inProcessAddress
                            : hostForAddress(config.host()) + ":" + server.getPort();
            return new TokenizerServer(
                    server, health, config, address, executor, ready, metrics, registry, timer);
        } catch (IOException | RuntimeException e) {
            health.shutdown();
            executor.shutdownNow();
            throw e;
        }
    }

    /**
     * Runs calls and answers on daemon threads, as many as there are calls. A task that arrives
     * after shutdown (a transport's late notice that a cancelled call has closed, an answer that
     * completes during shutdown) runs on the submitting thread instead of failing there, so that
     * every call still releases its model and concurrency slot.
     */
    private static ExecutorService callExecutor() {
        return new ThreadPoolExecutor(
                0,
                Integer.MAX_VALUE,
                60,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                daemonThreads("tessera-call-"),
                (task, pool) -> task.run());
    }

    /** A timer on one daemon thread, for the server's and the repository watcher's waits. */
    static ScheduledExecutorService daemonTimer(String prefix) {
        return Executors.newSingleThreadScheduledExecutor(daemonThreads(prefix));
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static void warnIfTokensTravelInClear(ServerConfig config) {
        if (config.authTokenFile().isEmpty() || config.tls().isPresent()) {
            return;
        }
        boolean loopback;
        try {
            loopback = InetAddress.getByName(config.host()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            loopback = false;
        }
        if (!loopback) {
            LOG.log(
                    Level.WARNING,
                    StructuredLog.event("insecure_auth")
                            .with("host", config.host())
                            .with(
                                    "message",
                                    "bearer tokens travel in clear text without --tls-cert;"
                                            + " anyone on the network can read them")
                            .toString());
        }
    }

    private static String hostForAddress(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** Every model loaded: health turns {@code SERVING} and calls are answered. */
    public void markServing() {
        ready.set(true);
        health.markServing();
    }

    /** A model version is loading (hot reload): its name is {@code NOT_SERVING} until it serves. */
    public void modelLoading(String name) {
        health.loading(name);
    }

    /** The metrics this server records. */
    public ServerMetrics metrics() {
        return metrics;
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

    /**
     * Graceful shutdown: health {@code NOT_SERVING}, no new calls, calls in flight get the drain
     * timeout (measured by the server's timer), then the rest are cancelled; the server's batchers
     * close at the end. Idempotent.
     *
     * @return true if every call finished within the drain timeout
     */
    public boolean drain() {
        if (!closed.compareAndSet(false, true)) {
            return server.isTerminated();
        }
        health.shutdown();
        server.shutdown();
        ScheduledExecutorService clock = timer != null ? timer : daemonTimer("tessera-drain-");
        AtomicBoolean cutOff = new AtomicBoolean();
        ScheduledFuture<?> deadline =
                clock.schedule(
                        () -> {
                            cutOff.set(true);
                            server.shutdownNow();
                        },
                        config.drainTimeout().toNanos(),
                        TimeUnit.NANOSECONDS);
        try {
            // Returns when the last call has finished, or once the cut-off has cancelled it.
            server.awaitTermination();
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            deadline.cancel(false);
            if (clock != timer) {
                clock.shutdownNow();
            }
            executor.shutdown();
            registry.served().forEach(m -> m.closeBatchers(metrics));
        }
        return !cutOff.get() && server.isTerminated();
    }

    /** {@link #drain()}, ignoring whether every call finished in time. */
    @Override
    public void close() {
        drain();
    }
}
