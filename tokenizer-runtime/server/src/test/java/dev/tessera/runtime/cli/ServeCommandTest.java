package dev.tessera.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.api.v1.EncodeResponse;
import dev.tessera.api.v1.ListModelsRequest;
import dev.tessera.api.v1.TokenizerServiceGrpc;
import dev.tessera.api.v1.TokenizerServiceGrpc.TokenizerServiceBlockingStub;
import dev.tessera.runtime.server.ScrapedMetrics;
import dev.tessera.runtime.testing.ManualClock;
import dev.tessera.runtime.testing.ToyImages;
import dev.tessera.runtime.testing.ToyTokenizer;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code serve} over a model repository with metrics and authentication, end to end. */
class ServeCommandTest {

    @TempDir Path temp;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void servesARepositoryPicksUpNewVersionsAndExposesMetrics() throws Exception {
        Path repo = Files.createDirectories(temp.resolve("models"));
        Path toy1 = ToyTokenizer.gray("toy", "1").writeTo(temp);
        Files.createDirectories(repo.resolve("toy"));
        Files.move(toy1, repo.resolve("toy").resolve("1"));
        Path tokens = Files.writeString(temp.resolve("tokens"), "t0ken\n");
        int metricsPort = freePort();
        ServeSettings args =
                ParsedServe.parse(
                        List.of(
                                "--models",
                                repo.toString(),
                                "--port",
                                "0",
                                "--poll-interval-ms",
                                "50",
                                "--metrics-port",
                                Integer.toString(metricsPort),
                                "--auth-token-file",
                                tokens.toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ManualClock clock = new ManualClock();
        try (ServeCommand serve =
                ServeCommand.start(
                        args, new PrintStream(out, true, StandardCharsets.UTF_8), clock)) {
            int port = serve.server().port();
            String nl = System.lineSeparator();
            assertEquals(
                    "model toy 1: gmvq, K=16, grid 2x2, input 1x8x8, CPU ("
                            + repo.resolve("toy").resolve("1")
                            + ")"
                            + nl
                            + "engine: "
                            + Runtime.getRuntime().availableProcessors()
                            + " runs in flight per model and direction, 1 intra-op thread each;"
                            + " batches of up to 256, --max-delay-ms 2"
                            + nl
                            + "listening on 127.0.0.1:"
                            + port
                            + nl
                            + "metrics on http://127.0.0.1:"
                            + metricsPort
                            + "/metrics"
                            + nl,
                    out.toString(StandardCharsets.UTF_8));
            ManagedChannel channel =
                    NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            try {
                Metadata headers = new Metadata();
                headers.put(
                        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                        "Bearer t0ken");
                TokenizerServiceBlockingStub stub =
                        TokenizerServiceGrpc.newBlockingStub(channel)
                                .withInterceptors(
                                        MetadataUtils.newAttachHeadersInterceptor(headers));
                EncodeResponse r =
                        stub.withDeadlineAfter(20, TimeUnit.SECONDS)
                                .encode(
                                        dev.tessera.api.v1.EncodeRequest.newBuilder()
                                                .setPixels(
                                                        dev.tessera.api.v1.RawTensor.newBuilder()
                                                                .setDtype(
                                                                        dev.tessera.api.v1.DType
                                                                                .DTYPE_UINT8)
                                                                .addAllShape(
                                                                        List.of(1L, 1L, 8L, 8L))
                                                                .setData(
                                                                        com.google.protobuf
                                                                                .ByteString
                                                                                .copyFrom(
                                                                                        ToyImages
                                                                                                .quadrants())))
                                                .build());
                assertArrayEquals(
                        ToyImages.QUADRANT_TOKENS,
                        r.getTokens().getIdsList().stream().mapToInt(Integer::intValue).toArray());

                // A new version appears in the repository and is served without a restart: at the
                // next poll, 50 ms later.
                Path toy2 = ToyTokenizer.gray("toy", "2").writeTo(temp);
                Files.move(toy2, repo.resolve("toy").resolve("2"));
                ListModelsRequest list = ListModelsRequest.getDefaultInstance();
                clock.advance(Duration.ofMillis(49));
                assertEquals(1, stub.listModels(list).getModelsCount());
                clock.advance(Duration.ofMillis(1));
                assertEquals(2, stub.listModels(list).getModelsCount());

                HttpResponse<String> scrape =
                        HttpClient.newHttpClient()
                                .send(
                                        HttpRequest.newBuilder(
                                                        URI.create(
                                                                "http://127.0.0.1:"
                                                                        + metricsPort
                                                                        + "/metrics"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString());
                assertEquals(
                        "text/plain; version=0.0.4; charset=utf-8",
                        scrape.headers().firstValue("Content-Type").orElse(""));
                ScrapedMetrics metrics = new ScrapedMetrics(scrape.body());
                assertEquals(
                        1,
                        metrics.value(
                                "tessera_requests_total",
                                "method",
                                "tessera.v1.TokenizerService/Encode",
                                "model",
                                "toy",
                                "version",
                                "1",
                                "code",
                                "OK"));
                assertEquals(2, metrics.value("tessera_model_loads_total", "result", "loaded"));
                assertEquals(2, metrics.value("tessera_models_loaded"));
                assertEquals(
                        1,
                        metrics.value(
                                "tessera_images_total",
                                "model",
                                "toy",
                                "version",
                                "1",
                                "op",
                                "encode"));
                // The JVM's own metrics come with the server's.
                assertTrue(metrics.value("jvm_memory_used_bytes", "area", "heap") > 0);
                assertTrue(metrics.has("jvm_threads_current"), scrape.body());
                assertTrue(metrics.has("process_cpu_seconds_total"), scrape.body());
            } finally {
                channel.shutdownNow();
            }
        }
    }

    @Test
    void aMissingRepositoryIsAFailureNamingIt() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status =
                new RuntimeCli(
                                new PrintStream(
                                        new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                                new PrintStream(err, true, StandardCharsets.UTF_8))
                        .run("serve", "--models", temp.resolve("none").toString(), "--port", "0");
        assertEquals(1, status);
        assertEquals(
                "error: model repository "
                        + temp.resolve("none")
                        + " is not a directory; create it or fix --models"
                        + System.lineSeparator(),
                err.toString(StandardCharsets.UTF_8));
    }
}
