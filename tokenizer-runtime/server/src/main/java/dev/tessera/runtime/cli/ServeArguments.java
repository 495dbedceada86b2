package dev.tessera.runtime.cli;

import dev.tessera.runtime.onnx.TokenizerOptions;
import dev.tessera.runtime.server.CallLimits;
import dev.tessera.runtime.server.KeepaliveConfig;
import dev.tessera.runtime.server.ServerConfig;
import dev.tessera.runtime.server.batching.BatchPolicy;
import dev.tessera.runtime.server.security.TlsConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The parsed arguments of {@code serve}.
 *
 * @param models tokenizer directories to serve as they are (no hot reload)
 * @param repository model repository of {@code <name>/<version>/} directories, hot reloaded
 * @param pollInterval how often the repository is scanned; zero scans it once at start
 * @param server where to listen, batching, limits and security
 * @param tokenizer how to run the models
 * @param metricsPort port of the Prometheus endpoint on the server's host; 0 for none
 * @param verbose print stack traces with errors and debug logs
 */
public record ServeArguments(
        List<Path> models,
        Optional<Path> repository,
        Duration pollInterval,
        ServerConfig server,
        TokenizerOptions tokenizer,
        int metricsPort,
        boolean verbose) {

    /** Scan interval of a model repository unless {@code --poll-interval-ms} says otherwise. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);

    private static final Set<String> VALUED =
            Set.of(
                    "--model",
                    "--models",
                    "--poll-interval-ms",
                    "--host",
                    "--port",
                    "--max-batch",
                    "--max-delay-ms",
                    "--queue-size",
                    "--max-message-bytes",
                    "--max-concurrent-calls",
                    "--max-calls-per-connection",
                    "--keepalive-time-s",
                    "--keepalive-timeout-s",
                    "--permit-keepalive-time-s",
                    "--drain-timeout-s",
                    "--metrics-port",
                    "--tls-cert",
                    "--tls-key",
                    "--tls-client-ca",
                    "--auth-token-file",
                    "--threads");

    /** Validates that there is something to serve and copies the list. */
    public ServeArguments {
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

    /** Values collected while parsing, before they are checked together. */
    private static final class Draft {
        final List<Path> models = new ArrayList<>();
        Path repository;
        Duration poll = DEFAULT_POLL_INTERVAL;
        ServerConfig server = ServerConfig.defaults();
        CallLimits limits = CallLimits.defaults();
        KeepaliveConfig keepalive = KeepaliveConfig.defaults();
        TokenizerOptions tokenizer = TokenizerOptions.defaults();
        int maxBatch = BatchPolicy.defaults().maxBatch();
        Duration maxDelay = BatchPolicy.defaults().maxDelay();
        Integer queueSize;
        int metricsPort;
        Path tlsCert;
        Path tlsKey;
        Path tlsClientCa;
        Path authTokenFile;
        boolean verbose;
    }

    /**
     * Parses the arguments after {@code serve} (see {@link RuntimeCli#USAGE}); {@code --name=value}
     * works too, {@code --model} repeats.
     *
     * @throws UsageException naming the offending option
     */
    public static ServeArguments parse(List<String> args) throws UsageException {
        Draft d = new Draft();
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            String inline = null;
            int eq = option.indexOf('=');
            if (option.startsWith("--") && eq > 0) {
                inline = option.substring(eq + 1);
                option = option.substring(0, eq);
            }
            if (option.equals("--cuda") || option.equals("--verbose")) {
                if (inline != null) {
                    throw new UsageException("serve: " + option + " takes no value");
                }
                d.tokenizer = option.equals("--cuda") ? d.tokenizer.withCuda(true) : d.tokenizer;
                d.verbose |= option.equals("--verbose");
                continue;
            }
            if (!VALUED.contains(option)) {
                throw new UsageException("serve: unknown option \"" + option + "\"");
            }
            String value = inline != null ? inline : i + 1 < args.size() ? args.get(++i) : "";
            if (value.isEmpty() || (inline == null && value.startsWith("--"))) {
                throw new UsageException("serve: " + option + " expects a value");
            }
            if (!applyModelOption(d, option, value) && !applyServerOption(d, option, value)) {
                applySecurityOption(d, option, value);
            }
        }
        return build(d);
    }

    private static boolean applyModelOption(Draft d, String option, String value)
            throws UsageException {
        switch (option) {
            case "--model" -> d.models.add(Path.of(value));
            case "--models" -> {
                if (d.repository != null) {
                    throw new UsageException(
                            "serve: --models is given twice; a server serves one repository");
                }
                d.repository = Path.of(value);
            }
            case "--poll-interval-ms" ->
                    d.poll = Duration.ofMillis(integer(option, value, 0, 3_600_000));
            case "--threads" ->
                    d.tokenizer = d.tokenizer.withIntraOpThreads(integer(option, value, 0, 4096));
            case "--max-batch" -> d.maxBatch = integer(option, value, 1, 1 << 16);
            case "--max-delay-ms" ->
                    d.maxDelay = Duration.ofMillis(integer(option, value, 0, 10_000));
            case "--queue-size" -> d.queueSize = integer(option, value, 1, 1 << 24);
            default -> {
                return false;
            }
        }
        return true;
    }

    private static boolean applyServerOption(Draft d, String option, String value)
            throws UsageException {
        switch (option) {
            case "--host" -> d.server = host(d.server, value);
            case "--port" -> d.server = d.server.withPort(integer(option, value, 0, 65535));
            case "--max-message-bytes" ->
                    d.limits =
                            d.limits.withMaxMessageBytes(
                                    integer(option, value, 1024, Integer.MAX_VALUE));
            case "--max-concurrent-calls" ->
                    d.limits = d.limits.withMaxConcurrentCalls(integer(option, value, 1, 1 << 20));
            case "--max-calls-per-connection" ->
                    d.limits =
                            d.limits.withMaxCallsPerConnection(integer(option, value, 0, 1 << 20));
            case "--keepalive-time-s" ->
                    d.keepalive =
                            new KeepaliveConfig(
                                    seconds(option, value, 86_400),
                                    d.keepalive.timeout(),
                                    d.keepalive.permitTime());
            case "--keepalive-timeout-s" ->
                    d.keepalive =
                            new KeepaliveConfig(
                                    d.keepalive.time(),
                                    seconds(option, value, 3_600),
                                    d.keepalive.permitTime());
            case "--permit-keepalive-time-s" ->
                    d.keepalive =
                            new KeepaliveConfig(
                                    d.keepalive.time(),
                                    d.keepalive.timeout(),
                                    seconds(option, value, 86_400));
            case "--drain-timeout-s" ->
                    d.server =
                            d.server.withDrainTimeout(
                                    Duration.ofSeconds(integer(option, value, 0, 3_600)));
            case "--metrics-port" -> d.metricsPort = integer(option, value, 0, 65535);
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void applySecurityOption(Draft d, String option, String value) {
        switch (option) {
            case "--tls-cert" -> d.tlsCert = Path.of(value);
            case "--tls-key" -> d.tlsKey = Path.of(value);
            case "--tls-client-ca" -> d.tlsClientCa = Path.of(value);
            case "--auth-token-file" -> d.authTokenFile = Path.of(value);
            default -> throw new IllegalStateException("option without a case: " + option);
        }
    }

    private static ServeArguments build(Draft d) throws UsageException {
        if (d.models.isEmpty() && d.repository == null) {
            throw new UsageException(
                    "serve: expected at least one --model DIR (a tokenizer directory) or --models"
                            + " DIR (a model repository of <name>/<version>/ directories)");
        }
        int queue = d.queueSize != null ? d.queueSize : Math.max(1024, d.maxBatch);
        if (queue < d.maxBatch) {
            throw new UsageException(
                    "serve: --queue-size "
                            + queue
                            + " is below --max-batch "
                            + d.maxBatch
                            + "; the queue must hold at least one full batch");
        }
        if ((d.tlsCert == null) != (d.tlsKey == null)) {
            throw new UsageException(
                    "serve: --tls-cert and --tls-key go together (the certificate chain and its"
                            + " private key)");
        }
        if (d.tlsClientCa != null && d.tlsCert == null) {
            throw new UsageException(
                    "serve: --tls-client-ca needs --tls-cert and --tls-key: mutual TLS is TLS plus"
                            + " client certificates");
        }
        Optional<TlsConfig> tls =
                d.tlsCert == null
                        ? Optional.empty()
                        : Optional.of(
                                new TlsConfig(
                                        d.tlsCert, d.tlsKey, Optional.ofNullable(d.tlsClientCa)));
        ServerConfig server =
                d.server
                        .withBatching(new BatchPolicy(d.maxBatch, d.maxDelay, queue))
                        .withLimits(d.limits)
                        .withKeepalive(d.keepalive)
                        .withTls(tls)
                        .withAuthTokenFile(Optional.ofNullable(d.authTokenFile));
        return new ServeArguments(
                d.models,
                Optional.ofNullable(d.repository),
                d.poll,
                server,
                d.tokenizer,
                d.metricsPort,
                d.verbose);
    }

    private static ServerConfig host(ServerConfig server, String host) throws UsageException {
        if (host.isBlank()) {
            throw new UsageException(
                    "serve: --host expects an address such as 127.0.0.1 or 0.0.0.0");
        }
        return server.withHost(host);
    }

    private static Duration seconds(String option, String text, int max) throws UsageException {
        return Duration.ofSeconds(integer(option, text, 1, max));
    }

    private static int integer(String option, String text, int min, int max) throws UsageException {
        try {
            int v = Integer.parseInt(text);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below, with the accepted range
        }
        throw new UsageException(
                "serve: "
                        + option
                        + " expects an integer in "
                        + min
                        + ".."
                        + max
                        + ", got \""
                        + text
                        + "\"");
    }
}
