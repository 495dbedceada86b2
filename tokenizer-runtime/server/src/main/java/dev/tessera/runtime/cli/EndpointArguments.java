package dev.tessera.runtime.cli;

import dev.tessera.runtime.client.RetryPolicy;
import dev.tessera.runtime.client.TlsSettings;
import dev.tessera.runtime.client.TokenizerClientConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Where {@code encode} and {@code decode} run: a tokenizer directory in this process ({@code
 * --model DIR}), or a server ({@code --server HOST:PORT} and its connection options).
 *
 * @param modelDir the tokenizer directory; null with a server
 * @param server the server's {@code host:port}; null with a directory
 * @param name model name on the server; null for the server's only model
 * @param version model version on the server; null for the highest
 * @param tls TLS to the server; null for plaintext
 * @param authTokenFile file holding the bearer token; null for none
 * @param deadline time allowed per server call, retries included
 */
record EndpointArguments(
        Path modelDir,
        String server,
        String name,
        String version,
        TlsSettings tls,
        Path authTokenFile,
        Duration deadline) {

    /** Options that take a value. */
    static final Set<String> VALUED =
            Set.of(
                    "--model",
                    "--server",
                    "--name",
                    "--version",
                    "--tls-ca",
                    "--tls-cert",
                    "--tls-key",
                    "--auth-token-file",
                    "--deadline");

    /** Options that take none. */
    static final Set<String> FLAGS = Set.of("--tls");

    private static final List<String> SERVER_ONLY =
            List.of(
                    "--name",
                    "--version",
                    "--tls",
                    "--tls-ca",
                    "--tls-cert",
                    "--tls-key",
                    "--auth-token-file",
                    "--deadline");

    /** True with {@code --model DIR}. */
    boolean local() {
        return modelDir != null;
    }

    /**
     * These arguments with the model a token file records, where the command line leaves it open:
     * no {@code --name} takes the recorded name and version, {@code --name} of the recorded model
     * without {@code --version} takes the recorded version.
     */
    EndpointArguments withDefaultModel(String recordedName, String recordedVersion) {
        if (local() || recordedName == null || version != null) {
            return this;
        }
        if (name != null && !name.equals(recordedName)) {
            return this;
        }
        return new EndpointArguments(
                modelDir, server, recordedName, recordedVersion, tls, authTokenFile, deadline);
    }

    /**
     * Reads {@code --model} or {@code --server} and the server options.
     *
     * @throws UsageException if neither or both are given, or a server option comes with a
     *     directory
     */
    static EndpointArguments parse(String command, OptionList options) throws UsageException {
        String model = options.value("--model");
        String server = options.value("--server");
        if ((model == null) == (server == null)) {
            throw new UsageException(
                    command
                            + ": expected either --model DIR (a tokenizer directory) or --server"
                            + " HOST:PORT (a tessera server)"
                            + (model != null ? ", not both" : ""));
        }
        if (model != null) {
            for (String option : SERVER_ONLY) {
                if (options.has(option)) {
                    throw new UsageException(
                            command + ": " + option + " applies only with --server, not --model");
                }
            }
            return new EndpointArguments(Path.of(model), null, null, null, null, null, null);
        }
        int seconds = options.integer("--deadline", 60, 1, 86_400);
        Path token = path(options, "--auth-token-file");
        return new EndpointArguments(
                null,
                server,
                options.value("--name"),
                options.value("--version"),
                tls(command, options),
                token,
                Duration.ofSeconds(seconds));
    }

    private static TlsSettings tls(String command, OptionList options) throws UsageException {
        Path ca = path(options, "--tls-ca");
        Path cert = path(options, "--tls-cert");
        Path key = path(options, "--tls-key");
        if ((cert == null) != (key == null)) {
            throw new UsageException(
                    command + ": --tls-cert and --tls-key go together (mutual TLS needs both)");
        }
        if (!options.has("--tls") && ca == null && cert == null) {
            return null;
        }
        try {
            return new TlsSettings(ca, cert, key);
        } catch (IllegalArgumentException e) {
            throw new UsageException(command + ": " + e.getMessage());
        }
    }

    private static Path path(OptionList options, String option) {
        String value = options.value(option);
        return value == null ? null : Path.of(value);
    }

    /**
     * The client configuration for the server.
     *
     * @throws CommandFailedException if the token file cannot be read or is empty
     */
    TokenizerClientConfig clientConfig() throws CommandFailedException {
        String token = null;
        if (authTokenFile != null) {
            try {
                token = Files.readString(authTokenFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new CommandFailedException(
                        "--auth-token-file "
                                + authTokenFile
                                + ": cannot be read ("
                                + TokenCommands.reason(e)
                                + ")",
                        e);
            }
            if (token.isEmpty() || token.contains("\n")) {
                throw new CommandFailedException(
                        "--auth-token-file "
                                + authTokenFile
                                + ": expected one line holding the token");
            }
        }
        try {
            return new TokenizerClientConfig(
                    server,
                    tls,
                    token,
                    deadline,
                    RetryPolicy.defaults(),
                    TokenizerClientConfig.DEFAULT_MAX_INBOUND_MESSAGE_BYTES);
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException("--server " + server + ": " + e.getMessage(), e);
        }
    }
}
