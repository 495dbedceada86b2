package dev.tessera.runtime.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.runtime.ImageBatch;

import io.grpc.Grpc;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * TLS and mutual TLS against a fake server on localhost, with the test certificates of {@code
 * src/test/resources/dev/tessera/runtime/client/tls} (see the README there).
 */
class TokenizerClientTlsTest {

    private static final ImageBatch ONE_IMAGE = new ImageBatch(1, 1, 2, 2, new byte[4]);

    private static Path resource(String name) {
        try {
            return Path.of(TokenizerClientTlsTest.class.getResource("tls/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Server start(boolean requireClientCertificate) throws Exception {
        TlsServerCredentials.Builder tls =
                TlsServerCredentials.newBuilder()
                        .keyManager(file("server.pem"), file("server.key"));
        if (requireClientCertificate) {
            tls.trustManager(file("ca.pem")).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
        }
        ServerCredentials credentials = tls.build();
        return Grpc.newServerBuilderForPort(0, credentials)
                .addService(new FakeTokenizerService().definition())
                .build()
                .start();
    }

    private static File file(String name) {
        return resource(name).toFile();
    }

    private static TokenizerClient.Builder client(Server server) {
        return TokenizerClient.builder("localhost:" + server.getPort())
                .retry(RetryPolicy.none())
                .deadline(Duration.ofSeconds(10));
    }

    @Test
    void tlsWithTheServersCaWorks() throws Exception {
        Server server = start(false);
        try (TokenizerClient client = client(server).tlsTrusting(resource("ca.pem")).build()) {
            assertArrayEquals(new int[] {0}, client.encode("fake", null, ONE_IMAGE).ids());
        } finally {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void anUntrustedServerCertificateIsRefused() throws Exception {
        Server server = start(false);
        try (TokenizerClient client =
                client(server).tlsTrusting(resource("other-ca.pem")).build()) {
            TokenizerClientException e =
                    assertThrows(TokenizerClientException.class, client::listModels);
            assertEquals(Status.Code.UNAVAILABLE, e.code());
        } finally {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void plaintextToATlsServerFails() throws Exception {
        Server server = start(false);
        try (TokenizerClient client = client(server).plaintext().build()) {
            TokenizerClientException e =
                    assertThrows(TokenizerClientException.class, client::listModels);
            assertEquals(Status.Code.UNAVAILABLE, e.code());
        } finally {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void mutualTlsNeedsTheClientCertificate() throws Exception {
        Server server = start(true);
        TlsSettings serverOnly = TlsSettings.trusting(resource("ca.pem"));
        TlsSettings mutual =
                serverOnly.withClientCertificate(resource("client.pem"), resource("client.key"));
        try {
            try (TokenizerClient client = client(server).tls(serverOnly).build()) {
                TokenizerClientException e =
                        assertThrows(TokenizerClientException.class, client::listModels);
                assertEquals(Status.Code.UNAVAILABLE, e.code());
            }
            try (TokenizerClient client = client(server).tls(mutual).build()) {
                assertEquals("fake", client.listModels().get(0).getName());
            }
        } finally {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void unreadableCertificatesAreRefusedWhenBuilding() {
        IllegalArgumentException notPem =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                TokenizerClient.builder("localhost:1")
                                        .tlsTrusting(resource("README.md"))
                                        .build());
        assertTrue(notPem.getMessage().contains("README.md"), notPem.getMessage());
        IllegalArgumentException missing =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> TlsSettings.trusting(Path.of("/no/such/ca.pem")));
        assertEquals(
                "trusted certificates: /no/such/ca.pem is not a file; expected a PEM file",
                missing.getMessage());
        IllegalArgumentException half =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new TlsSettings(null, resource("client.pem"), null));
        assertTrue(half.getMessage().contains("got only the certificate chain"), half.getMessage());
    }
}
