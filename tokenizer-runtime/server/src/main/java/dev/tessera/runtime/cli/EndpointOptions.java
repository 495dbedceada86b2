package dev.tessera.runtime.cli;

import dev.tessera.cli.CommandLines;
import dev.tessera.cli.IntRange;
import dev.tessera.runtime.client.TlsSettings;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The options of {@code encode} and {@code decode} that say where the model runs ({@code @Mixin}):
 * {@code --model DIR} in this process, or {@code --server HOST:PORT} and its connection options.
 */
final class EndpointOptions {

    /** Seconds per server call unless {@code --deadline} says otherwise. */
    static final int DEFAULT_DEADLINE_S = 60;

    @Option(
            names = "--model",
            paramLabel = "DIR",
            description = "tokenizer directory, run in this process")
    private Path model;

    @Option(
            names = "--server",
            paramLabel = "HOST:PORT",
            description = "tessera server to run on instead")
    private String server;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            description = "with --server: model name (default: the server's only model)")
    private String name;

    @Option(
            names = "--version",
            paramLabel = "V",
            description = "with --server: model version (default: the highest)")
    private String version;

    @Option(
            names = "--tls",
            description = "with --server: use TLS, trusting the JVM's certificate authorities")
    private boolean tls;

    @Option(
            names = "--tls-ca",
            paramLabel = "FILE",
            description = "with --server: use TLS, trusting the CA certificates in FILE (PEM)")
    private Path tlsCa;

    @Option(
            names = "--tls-cert",
            paramLabel = "FILE",
            description = "with --server: client certificate chain for mutual TLS (PEM)")
    private Path tlsCert;

    @Option(
            names = "--tls-key",
            paramLabel = "FILE",
            description = "with --server: private key of --tls-cert (PKCS#8 PEM)")
    private Path tlsKey;

    @Option(
            names = "--auth-token-file",
            paramLabel = "FILE",
            description =
                    "with --server: send the token in FILE as \"authorization: Bearer <token>\"")
    private Path authTokenFile;

    @Option(
            names = "--deadline",
            paramLabel = "SECONDS",
            description =
                    "with --server: time allowed per call, retries included (default "
                            + DEFAULT_DEADLINE_S
                            + ")")
    @IntRange(min = 1, max = 86_400)
    private Integer deadline;

    /**
     * The endpoint these options name.
     *
     * @throws picocli.CommandLine.ParameterException if neither or both of {@code --model} and
     *     {@code --server} are given, or a server option comes with a directory
     */
    Endpoint endpoint(CommandSpec spec) {
        if ((model == null) == (server == null)) {
            throw CommandLines.usageError(
                    spec,
                    "expected either --model DIR (a tokenizer directory) or --server HOST:PORT (a"
                            + " tessera server)"
                            + (model != null ? ", not both" : ""));
        }
        if (model != null) {
            String serverOnly = serverOnlyOptionGiven();
            if (serverOnly != null) {
                throw CommandLines.usageError(
                        spec, serverOnly + " applies only with --server, not --model");
            }
            return new Endpoint(model, null, null, null, null, null, null);
        }
        int seconds = deadline != null ? deadline : DEFAULT_DEADLINE_S;
        return new Endpoint(
                null, server, name, version, tls(spec), authTokenFile, Duration.ofSeconds(seconds));
    }

    private String serverOnlyOptionGiven() {
        Object[][] options = {
            {"--name", name},
            {"--version", version},
            {"--tls", tls ? Boolean.TRUE : null},
            {"--tls-ca", tlsCa},
            {"--tls-cert", tlsCert},
            {"--tls-key", tlsKey},
            {"--auth-token-file", authTokenFile},
            {"--deadline", deadline}
        };
        for (Object[] option : options) {
            if (option[1] != null) {
                return (String) option[0];
            }
        }
        return null;
    }

    private TlsSettings tls(CommandSpec spec) {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw CommandLines.usageError(
                    spec, "--tls-cert and --tls-key go together (mutual TLS needs both)");
        }
        if (!tls && tlsCa == null && tlsCert == null) {
            return null;
        }
        try {
            return new TlsSettings(tlsCa, tlsCert, tlsKey);
        } catch (IllegalArgumentException e) {
            throw CommandLines.usageError(spec, e.getMessage());
        }
    }
}
