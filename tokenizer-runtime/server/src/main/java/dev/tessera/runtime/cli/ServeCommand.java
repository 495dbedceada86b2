package dev.tessera.runtime.cli;

import dev.tessera.runtime.Causes;
import dev.tessera.runtime.artifact.TokenizerLoadException;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.server.ModelRegistry;
import dev.tessera.runtime.server.ModelRepository;
import dev.tessera.runtime.server.RepositoryWatcher;
import dev.tessera.runtime.server.ServerMetrics;
import dev.tessera.runtime.server.TokenizerServer;
import dev.tessera.runtime.server.metrics.PrometheusEndpoint;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code serve}: opens the {@code --model} directories, starts the gRPC server (health {@code
 * NOT_SERVING}), loads the {@code --models} repository and starts watching it, starts the metrics
 * endpoint (the server's metrics and the JVM's), then turns {@code SERVING} and reports what it
 * serves. Owns the server, the watcher, the metrics endpoint and the models; {@link #drain()} stops
 * them in that order, after the calls in flight.
 */
public final class ServeCommand implements AutoCloseable {

    // A key=value line per record, so that a log shipper can parse it.
    private static final String LOG_FORMAT =
            "time=%1$tFT%1$tT.%1$tL%1$tz level=%4$s logger=%3$s %5$s%6$s%n";
    // gRPC's Netty transport logs a stack trace for every oversized message it refuses; the
    // server's own call log already has one line for it.
    private static final String NETTY_STREAM_LOGGER =
            "io.grpc.netty.shaded.io.grpc.netty.NettyServerStream";

    private final ModelRegistry registry;
    private final TokenizerServer server;
    private final RepositoryWatcher watcher;
    private final PrometheusEndpoint metricsEndpoint;
    private final Logger tunedLogger;

    private ServeCommand(
            ModelRegistry registry,
            TokenizerServer server,
            RepositoryWatcher watcher,
            PrometheusEndpoint metricsEndpoint,
            Logger tunedLogger) {
        this.registry = registry;
        this.server = server;
        this.watcher = watcher;
        this.metricsEndpoint = metricsEndpoint;
        this.tunedLogger = tunedLogger;
    }

    /**
     * Loads the models and starts serving; prints one line per model and the address.
     *
     * @throws TokenizerLoadException naming the directory and the file at fault for a {@code
     *     --model} directory (repository directories are refused with a log line instead)
     * @throws IOException if the server or metrics endpoint cannot listen, or a TLS, token or
     *     repository path cannot be read
     */
    public static ServeCommand start(ServeSettings args, PrintStream out) throws IOException {
        return start(args, out, null);
    }

    /**
     * {@link #start(ServeSettings, PrintStream)} with the repository's polling and the drain
     * timeout on {@code timer} (a test's manual clock), or on threads of their own when null.
     */
    static ServeCommand start(ServeSettings args, PrintStream out, ScheduledExecutorService timer)
            throws IOException {
        Logger tuned = configureLogging(args.verbose());
        ModelRegistry registry = new ModelRegistry();
        TokenizerServer server = null;
        RepositoryWatcher watcher = null;
        PrometheusEndpoint endpoint = null;
        try {
            for (Path dir : args.models()) {
                Tokenizer t = open(dir, args);
                registry.register(t);
                out.println(describe(t, dir));
            }
            PrometheusRegistry metricsRegistry = new PrometheusRegistry();
            // Memory, garbage collection, threads, classes, process CPU and file descriptors.
            JvmMetrics.builder().register(metricsRegistry);
            ServerMetrics metrics = new ServerMetrics(metricsRegistry, registry);
            server = listen(registry, args, metrics, timer);
            if (args.metricsPort() > 0) {
                endpoint = metricsEndpoint(args, metricsRegistry);
            }
            if (args.repository().isPresent()) {
                watcher = watch(args, registry, server, metrics, out);
                if (!args.pollInterval().isZero()) {
                    if (timer == null) {
                        watcher.start(args.pollInterval());
                    } else {
                        watcher.start(args.pollInterval(), timer);
                    }
                }
            }
            server.markServing();
            out.println(engine(args));
            out.println("listening on " + server.address());
            if (endpoint != null) {
                out.println(
                        "metrics on http://"
                                + args.server().host()
                                + ":"
                                + endpoint.port()
                                + PrometheusEndpoint.PATH);
            }
            out.flush();
            return new ServeCommand(registry, server, watcher, endpoint, tuned);
        } catch (IOException | RuntimeException e) {
            new ServeCommand(registry, server, watcher, endpoint, tuned).drain();
            throw e;
        }
    }

    private static RepositoryWatcher watch(
            ServeSettings args,
            ModelRegistry registry,
            TokenizerServer server,
            ServerMetrics metrics,
            PrintStream out)
            throws IOException {
        Path root = args.repository().get();
        RepositoryWatcher watcher =
                new RepositoryWatcher(
                        new ModelRepository(root),
                        registry,
                        args.tokenizer(),
                        new RepositoryWatcher.Listener() {
                            @Override
                            public void loading(String name, String version) {
                                server.modelLoading(name);
                            }

                            @Override
                            public void loaded(Tokenizer tokenizer, Path dir) {
                                metrics.modelLoad(true);
                            }

                            @Override
                            public void refused(
                                    String name, String version, Path dir, String reason) {
                                metrics.modelLoad(false);
                            }
                        });
        RepositoryWatcher.ScanReport report = watcher.scan();
        for (Map.Entry<Tokenizer, Path> loaded : report.loaded().entrySet()) {
            out.println(describe(loaded.getKey(), loaded.getValue()));
        }
        if (!report.refused().isEmpty()) {
            out.println(
                    "refused "
                            + report.refused()
                            + " from "
                            + root
                            + " (the log says why); they are tried again when their files"
                            + " change");
        }
        if (report.loaded().isEmpty() && args.models().isEmpty()) {
            out.println("model repository " + root + " holds no loadable model yet");
        }
        return watcher;
    }

    private static String engine(ServeSettings args) {
        int threads = args.tokenizer().intraOpThreads();
        return "engine: "
                + args.tokenizer().instances()
                + " runs in flight per model and direction, "
                + (threads == 0 ? "ONNX Runtime's default" : String.valueOf(threads))
                + " intra-op thread"
                + (threads == 1 ? "" : "s")
                + " each; batches of up to "
                + args.server().maxBatch()
                + ", --max-delay-ms "
                + args.server().batching().maxDelay().toMillis();
    }

    private static String describe(Tokenizer t, Path dir) {
        return "model "
                + t.name()
                + " "
                + t.version()
                + ": "
                + t.manifest().getQuantizer()
                + ", K="
                + t.codebookSize()
                + ", grid "
                + t.gridHeight()
                + "x"
                + t.gridWidth()
                + ", input "
                + t.channels()
                + "x"
                + t.imageHeight()
                + "x"
                + t.imageWidth()
                + (t.shapes().sizes().fixed()
                        ? ""
                        : " (any multiple of " + t.shapes().sizes().multiple() + ")")
                + ", "
                + t.executionProvider()
                + " ("
                + dir
                + ")";
    }

    /**
     * One key=value line per log record; with {@code --verbose} also the server's debug records
     * (stack traces of internal errors), without it gRPC's stack trace per oversized message is
     * left out. Returns the logger whose level was changed, held so that the change sticks.
     */
    private static Logger configureLogging(boolean verbose) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", LOG_FORMAT);
        }
        if (verbose) {
            Logger tessera = Logger.getLogger("dev.tessera");
            tessera.setLevel(Level.FINE);
            for (Handler handler : Logger.getLogger("").getHandlers()) {
                handler.setLevel(Level.FINE);
            }
            return tessera;
        }
        Logger netty = Logger.getLogger(NETTY_STREAM_LOGGER);
        netty.setLevel(Level.SEVERE);
        return netty;
    }

    private static Tokenizer open(Path dir, ServeSettings args) {
        try {
            return Tokenizer.open(dir, args.tokenizer());
        } catch (TokenizerLoadException e) {
            throw new TokenizerLoadException(
                    "cannot load tokenizer directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static TokenizerServer listen(
            ModelRegistry registry,
            ServeSettings args,
            ServerMetrics metrics,
            ScheduledExecutorService timer)
            throws IOException {
        String where = args.server().host() + ":" + args.server().port();
        try {
            return TokenizerServer.listen(registry, args.server(), metrics, timer);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("--")) {
                throw e; // a TLS or token file problem, already naming its option
            }
            throw new IOException(
                    "cannot listen on "
                            + where
                            + " ("
                            + Causes.rootMessage(e)
                            + "); choose another --port or --host",
                    e);
        }
    }

    private static PrometheusEndpoint metricsEndpoint(
            ServeSettings args, PrometheusRegistry metrics)
            throws IOException {
        try {
            return PrometheusEndpoint.start(args.server().host(), args.metricsPort(), metrics);
        } catch (IOException e) {
            throw new IOException(
                    "cannot serve metrics on "
                            + args.server().host()
                            + ":"
                            + args.metricsPort()
                            + " ("
                            + Causes.rootMessage(e)
                            + "); choose another --metrics-port",
                    e);
        }
    }

    /** The running server. */
    public TokenizerServer server() {
        return server;
    }

    /** Blocks until the server has terminated. */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /**
     * Stops watching the repository, drains the server (health {@code NOT_SERVING}, no new calls,
     * calls in flight get the drain timeout), stops the metrics endpoint, then closes the models.
     *
     * @return true if every call finished within the drain timeout
     */
    public boolean drain() {
        boolean drained = true;
        if (watcher != null) {
            watcher.close();
        }
        if (server != null) {
            drained = server.drain();
        }
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
        registry.close();
        if (tunedLogger != null) {
            tunedLogger.setLevel(null);
        }
        return drained;
    }

    /** {@link #drain()}, ignoring whether every call finished in time. */
    @Override
    public void close() {
        drain();
    }
}
