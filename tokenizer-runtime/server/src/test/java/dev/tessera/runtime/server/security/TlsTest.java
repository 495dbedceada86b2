package dev.tessera.runtime.server.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;

import dev.tessera.api.v1.DType;
import dev.tessera.api.v1.EncodeRequest;
import dev.tessera.api.v1.RawTensor;
import dev.tessera.api.v1.TokenizerServiceGrpc;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.server.ModelRegistry;
import dev.tessera.runtime.server.ServerConfig;
import dev.tessera.runtime.server.TokenizerServer;
import dev.tessera.runtime.testing.ToyImages;
import dev.tessera.runtime.testing.ToyTokenizer;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * TLS and mutual TLS with the test PKI in {@code src/test/resources/tls} (see its README): a client
 * that trusts the test CA is served; under mutual TLS a client must also present a certificate from
 * that CA, and one without a certificate or with one from another CA is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsTest {

    @TempDir static Path temp;
    private ModelRegistry registry;

    @BeforeAll
    void load() throws Exception {
        registry = new ModelRegistry();
        registry.register(Tokenizer.open(ToyTokenizer.gray("toy", "1").writeTo(temp)));
    }

    @AfterAll
    void close() {
        registry.close();
    }

    private static Path pem(String name) {
        try {
            return Path.of(TlsTest.class.getResource("/tls/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private static File file(String name) {
        return pem(name).toFile();
    }

    private TokenizerServer start(boolean mutual) throws IOException {
        TlsConfig tls =
                new TlsConfig(
                        pem("server.pem"),
                        pem("server.key"),
                        mutual ? Optional.of(pem("ca.pem")) : Optional.empty());
        return TokenizerServer.start(
                registry, ServerConfig.defaults().withPort(0).withTls(Optional.of(tls)));
    }

    private static int[] encode(int port, ChannelCredentials credentials) {
        ManagedChannel channel =
                Grpc.newChannelBuilderForAddress("localhost", port, credentials).build();
        try {
            EncodeRequest request =
                    EncodeRequest.newBuilder()
                            .setPixels(
                                    RawTensor.newBuilder()
                                            .setDtype(DType.DTYPE_UINT8)
                                            .addShape(1)
                                            .addShape(1)
                                            .addShape(8)
                                            .addShape(8)
                                            .setData(ByteString.copyFrom(ToyImages.quadrants())))
                            .build();
            return TokenizerServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(20, TimeUnit.SECONDS)
                    .encode(request)
                    .getTokens()
                    .getIdsList()
                    .stream()
                    .mapToInt(Integer::intValue)
                    .toArray();
        } finally {
            channel.shutdownNow();
        }
    }

    private static ChannelCredentials trusting(String certificate, String key) throws IOException {
        TlsChannelCredentials.Builder b =
                TlsChannelCredentials.newBuilder().trustManager(file("ca.pem"));
        if (certificate != null) {
            b.keyManager(file(certificate), file(key));
        }
        return b.build();
    }

    private static void assertRefused(int port, ChannelCredentials credentials) {
        StatusRuntimeException e =
                assertThrows(StatusRuntimeException.class, () -> encode(port, credentials));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
    }

    @Test
    void tlsServesClientsThatTrustItsCaAndRefusesPlainText() throws Exception {
        try (TokenizerServer server = start(false)) {
            assertArrayEquals(
                    ToyImages.QUADRANT_TOKENS, encode(server.port(), trusting(null, null)));
            assertRefused(server.port(), InsecureChannelCredentials.create());
        }
    }

    @Test
    void mutualTlsServesOnlyClientsWithACertificateFromTheClientCa() throws Exception {
        try (TokenizerServer server = start(true)) {
            assertArrayEquals(
                    ToyImages.QUADRANT_TOKENS,
                    encode(server.port(), trusting("client.pem", "client.key")));
            assertRefused(server.port(), trusting(null, null));
            assertRefused(server.port(), trusting("stranger.pem", "stranger.key"));
        }
    }

    @Test
    void unreadableFilesAreReportedWithTheirOption() throws Exception {
        Path notAKey = Files.writeString(temp.resolve("bad.key"), "-----BEGIN NOTHING-----\n");
        IOException missing =
                assertThrows(
                        IOException.class,
                        () ->
                                new TlsConfig(
                                                temp.resolve("none.pem"),
                                                pem("server.key"),
                                                Optional.empty())
                                        .credentials());
        assertEquals(
                "--tls-cert " + temp.resolve("none.pem") + ": no such readable file",
                missing.getMessage());
        IOException bad =
                assertThrows(
                        IOException.class,
                        () ->
                                new TlsConfig(pem("server.pem"), notAKey, Optional.empty())
                                        .credentials());
        assertTrue(
                bad.getMessage()
                        .startsWith(
                                "--tls-cert "
                                        + pem("server.pem")
                                        + " / --tls-key "
                                        + notAKey
                                        + ": not a PEM certificate chain and PKCS#8 private key"),
                bad.getMessage());
    }
}
