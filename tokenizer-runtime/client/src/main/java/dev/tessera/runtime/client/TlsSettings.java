package dev.tessera.runtime.client;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS for a {@link TokenizerClient}: which certificate authorities to trust for the server's
 * certificate and, for mutual TLS, the client's own certificate chain and private key.
 *
 * @param trustedCertificates PEM file of the CA certificates that may sign the server's
 *     certificate; null trusts the JVM's default roots
 * @param clientCertificateChain PEM certificate chain presented to a server that asks for client
 *     certificates (mutual TLS); null for none
 * @param clientPrivateKey PKCS#8 PEM private key of {@code clientCertificateChain}; given exactly
 *     when the chain is
 */
public record TlsSettings(
        Path trustedCertificates, Path clientCertificateChain, Path clientPrivateKey) {

    /** Validates that the client certificate and key come together and that every file exists. */
    public TlsSettings {
        if ((clientCertificateChain == null) != (clientPrivateKey == null)) {
            throw new IllegalArgumentException(
                    "TLS client authentication needs both a certificate chain and its private key,"
                            + " got only the "
                            + (clientCertificateChain == null ? "key" : "certificate chain"));
        }
        requireFile("trusted certificates", trustedCertificates);
        requireFile("client certificate chain", clientCertificateChain);
        requireFile("client private key", clientPrivateKey);
    }

    /** TLS trusting the JVM's default certificate authorities, no client certificate. */
    public static TlsSettings systemRoots() {
        return new TlsSettings(null, null, null);
    }

    /** TLS trusting only the CA certificates in {@code caPem}, no client certificate. */
    public static TlsSettings trusting(Path caPem) {
        return new TlsSettings(caPem, null, null);
    }

    /** These settings plus a client certificate chain and key, for mutual TLS. */
    public TlsSettings withClientCertificate(Path certificateChainPem, Path privateKeyPem) {
        return new TlsSettings(trustedCertificates, certificateChainPem, privateKeyPem);
    }

    /** True when a client certificate is presented (mutual TLS). */
    public boolean mutual() {
        return clientCertificateChain != null;
    }

    private static void requireFile(String what, Path file) {
        if (file != null && !Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    what + ": " + file + " is not a file; expected a PEM file");
        }
    }
}
