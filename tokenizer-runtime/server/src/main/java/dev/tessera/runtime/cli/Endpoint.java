package dev.tessera.runtime.cli;

import dev.tessera.cli.CommandFailedException;
import dev.tessera.cli.CommandLines;
import dev.tessera.runtime.client.RetryPolicy;
import dev.tessera.runtime.client.TlsSettings;
import dev.tessera.runtime.client.TokenizerClientConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where {@code encode} and {@code decode} run, as {@link EndpointOptions} checked it: a tokenizer
 * directory in this process, or a server and how to reach it.
 *
 * @param modelDir the tokenizer directory; null with a server
 * @param server the server's {@code host:port}; null with a directory
 * @param name model name on the server; null for the server's only model
 * @param version model version on the server; null for the highest
 * @param tls TLS to the server; null for plaintext
 * @param authTokenFile file holding the bearer token; null for none
 * @param deadline time allowed per server call, retries included
 */
record Endpoint(
        Path modelDir,
        String server,
        String name,
        String version,
        TlsSettings tls,
        Path authTokenFile,
        Duration deadline) {

    /** True with {@code --model DIR}. */
    boolean local() {
        return modelDir != null;
    }

    /**
     * This endpoint with the model a token file records, where the command line leaves it open: no
     * {@code --name} takes the recorded name and version, {@code --name} of the recorded model
     * without {@code --version} takes the recorded version.
     */
    Endpoint withDefaultModel(String recordedName, String recordedVersion) {
        if (local() || recordedName == null || version != null) {
            return this;
        }
        if (name != null && !name.equals(recordedName)) {
            return this;
        }
        return new Endpoint(
                modelDir, server, recordedName, recordedVersion, tls, authTokenFile, deadline);
    }

    /**
     * The client configuration for the server.
     *
     * @throws CommandFailedException if the token file cannot be read or is empty
     */
    TokenizerClientConfig clientConfig() {
        String token = null;
        if (authTokenFile != null) {
            try {
                token = Files.readString(authTokenFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new CommandFailedException(
                        "--auth-token-file "
                                + authTokenFile
                                + ": cannot be read ("
                                + CommandLines.reason(e)
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
