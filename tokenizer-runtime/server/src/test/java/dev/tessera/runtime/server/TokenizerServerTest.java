package dev.tessera.runtime.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;

import dev.tessera.api.v1.DType;
import dev.tessera.api.v1.EncodeRequest;
import dev.tessera.api.v1.RawTensor;
import dev.tessera.api.v1.TokenizerServiceGrpc;
import dev.tessera.api.v1.TokenizerServiceGrpc.TokenizerServiceBlockingStub;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.artifact.TokenizerDirectory;
import dev.tessera.runtime.testing.ManualClock;
import dev.tessera.runtime.testing.ToyImages;
import dev.tessera.runtime.testing.ToyTokenizer;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

class TokenizerServerTest {

    @TempDir Path temp;

    private static EncodeRequest encode(byte[] pixels, int n) {
        return EncodeRequest.newBuilder()
                .setPixels(
                        RawTensor.newBuilder()
                                .setDtype(DType.DTYPE_UINT8)
                                .addShape(n)
                                .addShape(1)
                                .addShape(8)
                                .addShape(8)
                                .setData(ByteString.copyFrom(pixels)))
                .build();
    }

    private static int[] ids(dev.tessera.api.v1.EncodeResponse r) {
        return r.getTokens().getIdsList().stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void servesOverTcpWithHealthAndReflectionThenShutsDown() throws Exception {
        ModelRegistry registry = new ModelRegistry();
        registry.register(Tokenizer.open(ToyTokenizer.gray("toy", "1").writeTo(temp)));
        TokenizerServer server =
                TokenizerServer.start(registry, ServerConfig.defaults().withPort(0));
        ManagedChannel channel =
                NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try {
            assertTrue(server.port() > 0);
            assertEquals("127.0.0.1:" + server.port(), server.address());
            TokenizerServiceBlockingStub stub =
                    TokenizerServiceGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(10, TimeUnit.SECONDS);
            // The only model is chosen when the request names none.
            assertArrayEquals(
                    ToyImages.QUADRANT_TOKENS, ids(stub.encode(encode(ToyImages.quadrants(), 1))));
            HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
            assertEquals(
                    ServingStatus.SERVING,
                    health.check(HealthCheckRequest.newBuilder().setService("toy").build())
                            .getStatus());
            assertTrue(
                    listServices(channel)
                            .containsAll(
                                    List.of(
                                            "tessera.v1.TokenizerService",
                                            "grpc.health.v1.Health")));
        } finally {
            server.close();
            channel.shutdownNow();
            registry.close();
        }
        assertTrue(server.isTerminated());
    }

    private static List<String> listServices(ManagedChannel channel) throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests =
                ServerReflectionGrpc.newStub(channel)
                        .serverReflectionInfo(
                                new StreamObserver<>() {
                                    @Override
                                    public void onNext(ServerReflectionResponse value) {
                                        answer.complete(value);
                                    }

                                    @Override
                                    public void onError(Throwable t) {
                                        answer.completeExceptionally(t);
                                    }

                                    @Override
                                    public void onCompleted() {}
                                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        return answer.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
                .map(ServiceResponse::getName)
                .toList();
    }

    @Test
    void closeTurnsHealthNotServingThenRefusesCalls() throws Exception {
        try (ModelRegistry registry = new ModelRegistry()) {
            registry.register(Tokenizer.open(ToyTokenizer.gray("toy", "1").writeTo(temp)));
            ServerConfig config =
                    ServerConfig.defaults()
                            .withMaxBatch(16)
                            .withDrainTimeout(Duration.ofMillis(200));
            ManualClock clock = new ManualClock();
            TokenizerServer server =
                    TokenizerServer.listenInProcess(
                            registry,
                            "closing-test",
                            config,
                            new ServerMetrics(new PrometheusRegistry(), registry),
                            clock);
            server.markServing();
            ManagedChannel channel = InProcessChannelBuilder.forName("closing-test").build();
            try {
                BlockingQueue<ServingStatus> statuses = new LinkedBlockingQueue<>();
                HealthGrpc.newStub(channel)
                        .watch(
                                HealthCheckRequest.newBuilder().setService("toy").build(),
                                new StreamObserver<>() {
                                    @Override
                                    public void onNext(HealthCheckResponse value) {
                                        statuses.add(value.getStatus());
                                    }

                                    @Override
                                    public void onError(Throwable t) {}

                                    @Override
                                    public void onCompleted() {}
                                });
                assertEquals(ServingStatus.SERVING, statuses.poll(10, TimeUnit.SECONDS));
                // The open watch keeps the server from draining: close waits the grace, then
                // cancels it.
                CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(server::drain);
                assertEquals(ServingStatus.NOT_SERVING, statuses.poll(10, TimeUnit.SECONDS));
                clock.awaitTaskIn(Duration.ofMillis(200));
                clock.advance(Duration.ofMillis(199));
                assertFalse(drained.isDone(), "the open watch holds the drain for 200 ms");
                clock.advance(Duration.ofMillis(1));
                assertFalse(drained.get(10, TimeUnit.SECONDS), "the watch was cut off");
                assertTrue(server.isTerminated());
                StatusRuntimeException after =
                        assertThrows(
                                StatusRuntimeException.class,
                                () ->
                                        TokenizerServiceGrpc.newBlockingStub(channel)
                                                .encode(encode(ToyImages.quadrants(), 1)));
                assertEquals(Status.Code.UNAVAILABLE, after.getStatus().getCode());
            } finally {
                channel.shutdownNow();
                server.close();
            }
        }
    }

    @Test
    void closedModelIsUnavailable() throws Exception {
        try (ModelRegistry registry = new ModelRegistry()) {
            Tokenizer toy = Tokenizer.open(ToyTokenizer.gray("toy", "1").writeTo(temp));
            registry.register(toy);
            try (TokenizerServer server =
                    TokenizerServer.startInProcess(
                            registry, "closed-model", ServerConfig.defaults())) {
                assertEquals(-1, server.port(), "in-process servers have no TCP port");
                ManagedChannel channel = InProcessChannelBuilder.forName("closed-model").build();
                toy.close();
                StatusRuntimeException e =
                        assertThrows(
                                StatusRuntimeException.class,
                                () ->
                                        TokenizerServiceGrpc.newBlockingStub(channel)
                                                .encode(encode(ToyImages.quadrants(), 1)));
                assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
                assertTrue(e.getStatus().getDescription().startsWith("tokenizer toy:1 is closed"));
                channel.shutdownNow();
            }
        }
    }

    @Test
    void modelFailureIsInternalAndTheServerKeepsServing() throws Exception {
        // An encoder that emits ids up to 31 behind a manifest that promises K = 16.
        ToyTokenizer spec = ToyTokenizer.gray("broken", "1");
        Path dir = spec.writeTo(temp);
        Files.write(
                dir.resolve(TokenizerDirectory.ENCODER),
                new ToyTokenizer("broken", "1", 1, 8, 8, 2, 2, 32).encoder().toByteArray());
        TokenizerDirectory.writeManifest(
                dir, TokenizerDirectory.withChecksums(dir, spec.manifest()));
        try (ModelRegistry registry = new ModelRegistry()) {
            registry.register(Tokenizer.open(dir));
            try (TokenizerServer server =
                    TokenizerServer.startInProcess(
                            registry, "broken-model", ServerConfig.defaults())) {
                assertEquals("in-process:broken-model", server.address());
                ManagedChannel channel = InProcessChannelBuilder.forName("broken-model").build();
                TokenizerServiceBlockingStub stub = TokenizerServiceGrpc.newBlockingStub(channel);
                StatusRuntimeException e =
                        assertThrows(
                                StatusRuntimeException.class,
                                () -> stub.encode(encode(ToyImages.uniform(1, 255), 1)));
                assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
                assertEquals(
                        "Encode failed inside the server (IllegalStateException); the server log"
                                + " has the details",
                        e.getStatus().getDescription());
                // Dark images stay below 16 under both codebooks, so the same model still answers.
                assertArrayEquals(
                        new int[] {2, 2, 2, 2},
                        ids(stub.encode(encode(ToyImages.uniform(1, 18), 1))));
                channel.shutdownNow();
            }
        }
    }
}
