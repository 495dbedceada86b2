package dev.tessera.runtime.cli;

import dev.tessera.cli.CommandFailedException;
import dev.tessera.cli.CommandLines;
import dev.tessera.cli.CommonOptions;
import dev.tessera.cli.IntRange;
import dev.tessera.runtime.artifact.TokenizerLoadException;
import dev.tessera.runtime.server.CallLimits;
import dev.tessera.runtime.server.KeepaliveConfig;
import dev.tessera.runtime.server.ServerConfig;
import dev.tessera.runtime.server.batching.BatchPolicy;
import dev.tessera.runtime.server.security.TlsConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code tessera serve}: its options, checked into {@link ServeSettings}, and the run: start the
 * server ({@link ServeCommand}), then block until SIGTERM or Ctrl-C drains it.
 */
@Command(
        name = "serve",
        sortOptions = false,
        synopsisHeading = "",
        customSynopsis =
                "usage: tessera serve --model DIR [--model DIR ...] [--models REPOSITORY]"
                        + " [options]%n",
        description = {
            "Serves tokenizer directories over gRPC.",
            "",
            "Serves tokenizers over gRPC: tessera.v1.TokenizerService (Encode, Decode, their"
                    + " streaming forms EncodeStream and DecodeStream, ListModels, GetModel) and, on"
                    + " the same port, the Open Inference Protocol (KServe v2,"
                    + " inference.GRPCInferenceService: models NAME.encoder and NAME.decoder), with"
                    + " dynamic batching, grpc.health.v1 and server reflection. Each model is named"
                    + " by the name and version in its tessera.json; a request without a version"
                    + " gets the highest. SIGTERM or Ctrl-C drains the calls in flight, then exits"
                    + " 0. Over a batching or call limit a call gets RESOURCE_EXHAUSTED.",
            ""
        })
final class ServeOptions implements Callable<Integer> {

    private static final ServerConfig DEFAULTS = ServerConfig.defaults();

    private final PrintStream out;
    private final PrintStream err;

    @Spec private CommandSpec spec;

    @Mixin private CommonOptions common;

    @Option(
            names = "--model",
            paramLabel = "DIR",
            description = "tokenizer directory to serve as is; repeat for several models")
    private List<Path> models = new ArrayList<>();

    @Option(
            names = "--models",
            paramLabel = "DIR",
            description =
                    "model repository of DIR/<name>/<version>/ tokenizer directories, hot"
                            + " reloaded: new versions load, removed ones unload")
    private List<Path> repository = new ArrayList<>();

    @Option(
            names = "--poll-interval-ms",
            paramLabel = "N",
            description = "how often --models is scanned (default ${DEFAULT-VALUE}; 0: at start)")
    @IntRange(min = 0, max = 3_600_000)
    private int pollIntervalMs = (int) ServeSettings.DEFAULT_POLL_INTERVAL.toMillis();

    @Option(
            names = {"--intra-op-threads", "--threads"},
            paramLabel = "N",
            description =
                    "threads one model run uses (default 1, with --cuda 0; 0: ONNX Runtime's"
                            + " choice, one per core)")
    @IntRange(min = 0, max = 4096)
    private Integer intraOpThreads;

    @Option(
            names = "--instances",
            paramLabel = "N",
            description =
                    "model runs in flight per model and direction, each on a session of its own"
                            + " (default: cores / --intra-op-threads, with --cuda 1)")
    @IntRange(min = 1, max = 4096)
    private Integer instances;

    @Option(names = "--cuda", description = "use the CUDA execution provider when available")
    private boolean cuda;

    @Option(
            names = "--host",
            paramLabel = "HOST",
            description = "address to bind (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface)")
    private String host = DEFAULTS.host();

    @Option(
            names = "--port",
            paramLabel = "PORT",
            description = "TCP port (default ${DEFAULT-VALUE}; 0 picks a free port)")
    @IntRange(min = 0, max = 65535)
    private int port = DEFAULTS.port();

    @Option(
            names = "--metrics-port",
            paramLabel = "PORT",
            description = "Prometheus metrics at http://HOST:PORT/metrics (default 0: off)")
    @IntRange(min = 0, max = 65535)
    private int metricsPort;

    @Option(
            names = "--keepalive-time-s",
            paramLabel = "N",
            description = "ping a connection idle this long (default ${DEFAULT-VALUE})")
    @IntRange(min = 1, max = 86_400)
    private int keepaliveTimeS = (int) DEFAULTS.keepalive().time().toSeconds();

    @Option(
            names = "--keepalive-timeout-s",
            paramLabel = "N",
            description =
                    "close it when the ping is not answered in time (default ${DEFAULT-VALUE})")
    @IntRange(min = 1, max = 3_600)
    private int keepaliveTimeoutS = (int) DEFAULTS.keepalive().timeout().toSeconds();

    @Option(
            names = "--permit-keepalive-time-s",
            paramLabel = "N",
            description = "shortest ping interval allowed to clients (default ${DEFAULT-VALUE})")
    @IntRange(min = 1, max = 86_400)
    private int permitKeepaliveTimeS = (int) DEFAULTS.keepalive().permitTime().toSeconds();

    @Option(
            names = "--drain-timeout-s",
            paramLabel = "N",
            description =
                    "time calls in flight get to finish on shutdown (default ${DEFAULT-VALUE})")
    @IntRange(min = 0, max = 3_600)
    private int drainTimeoutS = (int) DEFAULTS.drainTimeout().toSeconds();

    @Option(
            names = "--max-batch",
            paramLabel = "N",
            description =
                    "most images or token grids per request and per model run (default"
                            + " ${DEFAULT-VALUE})")
    @IntRange(min = 1, max = 1 << 16)
    private int maxBatch = DEFAULTS.batching().maxBatch();

    @Option(
            names = "--max-delay-ms",
            paramLabel = "N",
            description = "longest wait for a batch to fill (default ${DEFAULT-VALUE}; 0: never)")
    @IntRange(min = 0, max = 10_000)
    private int maxDelayMs = (int) DEFAULTS.batching().maxDelay().toMillis();

    @Option(
            names = "--queue-size",
            paramLabel = "N",
            description =
                    "most images or grids waiting per model (default "
                            + "1024, at least --max-batch)")
    @IntRange(min = 1, max = 1 << 24)
    private Integer queueSize;

    @Option(
            names = "--max-message-bytes",
            paramLabel = "N",
            description = "largest request message (default ${DEFAULT-VALUE} = 64 MiB)")
    @IntRange(min = 1024)
    private int maxMessageBytes = DEFAULTS.limits().maxMessageBytes();

    @Option(
            names = "--max-concurrent-calls",
            paramLabel = "N",
            description = "calls served at once over all connections (default ${DEFAULT-VALUE})")
    @IntRange(min = 1, max = 1 << 20)
    private int maxConcurrentCalls = DEFAULTS.limits().maxConcurrentCalls();

    @Option(
            names = "--max-calls-per-connection",
            paramLabel = "N",
            description = "calls at once on one connection (default ${DEFAULT-VALUE}; 0: no limit)")
    @IntRange(min = 0, max = 1 << 20)
    private int maxCallsPerConnection = DEFAULTS.limits().maxCallsPerConnection();

    @Option(
            names = "--tls-cert",
            paramLabel = "FILE",
            description = "serve TLS with this PEM certificate chain (needs --tls-key)")
    private Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM PKCS#8 key of --tls-cert")
    private Path tlsKey;

    @Option(
            names = "--tls-client-ca",
            paramLabel = "FILE",
            description = "require client certificates signed by these PEM CAs (mutual TLS)")
    private Path tlsClientCa;

    @Option(
            names = "--auth-token-file",
            paramLabel = "FILE",
            description =
                    "require \"authorization: Bearer <token>\" with a token of FILE (one per"
                            + " line); health checks and reflection stay open")
    private Path authTokenFile;

    /**
     * @param out where the models and the address go
     * @param err where the shutdown messages go
     */
    ServeOptions(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /**
     * The options, checked together.
     *
     * @throws picocli.CommandLine.ParameterException naming what does not fit
     */
    ServeSettings settings() {
        if (models.isEmpty() && repository.isEmpty()) {
            throw CommandLines.usageError(
                    spec,
                    "expected at least one --model DIR (a tokenizer directory) or --models DIR"
                            + " (a model repository of <name>/<version>/ directories)");
        }
        if (repository.size() > 1) {
            throw CommandLines.usageError(
                    spec, "--models is given twice; a server serves one repository");
        }
        int queue = queueSize != null ? queueSize : Math.max(1024, maxBatch);
        if (queue < maxBatch) {
            throw CommandLines.usageError(
                    spec,
                    "--queue-size "
                            + queue
                            + " is below --max-batch "
                            + maxBatch
                            + "; the queue must hold at least one full batch");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw CommandLines.usageError(
                    spec,
                    "--tls-cert and --tls-key go together (the certificate chain and its private"
                            + " key)");
        }
        if (tlsClientCa != null && tlsCert == null) {
            throw CommandLines.usageError(
                    spec,
                    "--tls-client-ca needs --tls-cert and --tls-key: mutual TLS is TLS plus"
                            + " client certificates");
        }
        if (host.isBlank()) {
            throw CommandLines.usageError(
                    spec, "--host expects an address such as 127.0.0.1 or 0.0.0.0");
        }
        Optional<TlsConfig> tls =
                tlsCert == null
                        ? Optional.empty()
                        : Optional.of(
                                new TlsConfig(tlsCert, tlsKey, Optional.ofNullable(tlsClientCa)));
        CallLimits limits =
                DEFAULTS.limits()
                        .withMaxMessageBytes(maxMessageBytes)
                        .withMaxConcurrentCalls(maxConcurrentCalls)
                        .withMaxCallsPerConnection(maxCallsPerConnection);
        ServerConfig server =
                DEFAULTS.withHost(host)
                        .withPort(port)
                        .withBatching(
                                new BatchPolicy(maxBatch, Duration.ofMillis(maxDelayMs), queue))
                        .withLimits(limits)
                        .withKeepalive(
                                new KeepaliveConfig(
                                        Duration.ofSeconds(keepaliveTimeS),
                                        Duration.ofSeconds(keepaliveTimeoutS),
                                        Duration.ofSeconds(permitKeepaliveTimeS)))
                        .withDrainTimeout(Duration.ofSeconds(drainTimeoutS))
                        .withTls(tls)
                        .withAuthTokenFile(Optional.ofNullable(authTokenFile));
        return new ServeSettings(
                models,
                repository.stream().findFirst(),
                Duration.ofMillis(pollIntervalMs),
                server,
                ServeSettings.engine(
                        cuda,
                        intraOpThreads,
                        instances,
                        Runtime.getRuntime().availableProcessors()),
                metricsPort,
                common.verbose());
    }

    /** Serves until the JVM is asked to stop; a drained stop exits 0. */
    @Override
    public Integer call() throws InterruptedException {
        ServeSettings settings = settings();
        ServeCommand command;
        try {
            command = ServeCommand.start(settings, out);
        } catch (TokenizerLoadException | IOException | IllegalArgumentException e) {
            throw new CommandFailedException(e.getMessage(), e);
        }
        StopSignals stop =
                StopSignals.onStop(
                        () -> {
                            err.println(
                                    "shutting down: draining calls in flight for up to "
                                            + settings.server().drainTimeout().toSeconds()
                                            + " s");
                            boolean drained = command.drain();
                            err.println(
                                    drained
                                            ? "stopped after every call finished"
                                            : "stopped; calls still running after the drain"
                                                    + " timeout were cancelled");
                            err.flush();
                            // The JVM would report a SIGTERM as exit status 143; a drained
                            // stop is the expected way to end a server, so it exits 0.
                            Runtime.getRuntime().halt(0);
                        });
        command.awaitTermination();
        // The server terminates inside the drain, before the models are closed and the last line
        // is written: returning now would end the JVM in the middle of it.
        stop.awaitStop();
        return 0;
    }
}
