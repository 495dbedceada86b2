package dev.tessera.runtime.server.security;

import dev.tessera.runtime.Causes;

import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettySslContextServerCredentials;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

import javax.net.ssl.SSLException;

/**
 * TLS for the gRPC port: the server's certificate chain and private key (PEM; the key in PKCS#8),
 * and optionally the CA that client certificates must chain to, which turns on mutual TLS: a client
 * without a certificate from that CA cannot complete the handshake.
 *
 * @param certChain PEM file with the server certificate, then any intermediates
 * @param privateKey PEM file with the server's PKCS#8 private key ({@code BEGIN PRIVATE KEY})
 * @param clientCa PEM file with the CA certificates that sign client certificates; empty for
 *     server-only TLS
 */
public record TlsConfig(Path certChain, Path privateKey, Optional<Path> clientCa) {

    /** Checks that no path is null. The files are read by {@link #credentials()}. */
    public TlsConfig {
        Objects.requireNonNull(certChain, "certChain");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(clientCa, "clientCa");
    }

    /** True when clients must present a certificate signed by {@link #clientCa()}. */
    public boolean mutual() {
        return clientCa.isPresent();
    }

    /**
     * Reads the files into gRPC server credentials.
     *
     * @throws IOException naming the option and file that cannot be read or parsed
     */
    public ServerCredentials credentials() throws IOException {
        requireReadable("--tls-cert", certChain);
        requireReadable("--tls-key", privateKey);
        if (clientCa.isPresent()) {
            requireReadable("--tls-client-ca", clientCa.get());
        }
        SslContextBuilder builder;
        try {
            builder = GrpcSslContexts.forServer(certChain.toFile(), privateKey.toFile());
        } catch (RuntimeException e) {
            throw new IOException(
                    "--tls-cert "
                            + certChain
                            + " / --tls-key "
                            + privateKey
                            + ": not a PEM certificate chain and PKCS#8 private key ("
                            + Causes.rootMessage(e)
                            + "); convert the key with 'openssl pkcs8 -topk8 -nocrypt'",
                    e);
        }
        if (clientCa.isPresent()) {
            try {
                builder.trustManager(clientCa.get().toFile()).clientAuth(ClientAuth.REQUIRE);
            } catch (RuntimeException e) {
                throw new IOException(
                        "--tls-client-ca "
                                + clientCa.get()
                                + ": not a PEM file of CA certificates ("
                                + Causes.rootMessage(e)
                                + ")",
                        e);
            }
        }
        try {
            // Building parses every file now, so that a bad one stops the start with its name.
            return NettySslContextServerCredentials.create(builder.build());
        } catch (SSLException | RuntimeException e) {
            throw new IOException(
                    "--tls-cert "
                            + certChain
                            + " / --tls-key "
                            + privateKey
                            + (clientCa.isPresent() ? " / --tls-client-ca " + clientCa.get() : "")
                            + ": cannot set up TLS ("
                            + Causes.rootMessage(e)
                            + ")",
                    e);
        }
    }

    private static void requireReadable(String option, Path file) throws IOException {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IOException(option + " " + file + ": no such readable file");
        }
    }
}
