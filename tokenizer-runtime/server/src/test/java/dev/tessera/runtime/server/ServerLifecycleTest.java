package dev.tessera.runtime.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.api.v1.EncodeRequest;
import dev.tessera.api.v1.EncodeResponse;
import dev.tessera.api.v1.ModelRef;
import dev.tessera.api.v1.TokenizerServiceGrpc;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.server.batching.BatchPolicy;
import dev.tessera.runtime.testing.ManualClock;
import dev.tessera.runtime.testing.ToyImages;
import dev.tessera.runtime.testing.ToyTokenizer;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Health while loading and shutting down, draining, the concurrency limit and deadlines. Timed
 * waits run on a {@link ManualClock} that only the test moves.
 */
class ServerLifecycleTest {

    private static final ModelRef TOY = TestRequests.model("toy", "");

    @TempDir Path temp;
    private ModelRegistry registry;
    private String name;
    private ManagedChannel channel;
    private final ManualClock clock = new ManualClock();

    @BeforeEach
    void setUp() throws Exception {
        registry = new ModelRegistry();
        registry.register(Tokenizer.open(ToyTokenizer.gray("toy", "1").writeTo(temp)));
        name = "lifecycle-" + UUID.randomUUID();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @AfterEach
    void tearDown() {
        channel.shutdownNow();
        registry.close();
    }

    private TokenizerServer listen(ServerConfig config) throws Exception {
        ServerMetrics metrics = new ServerMetrics(new PrometheusRegistry(), registry);
        return TokenizerServer.listenInProcess(registry, name, config, metrics, clock);
    }

    private ServingStatus health(String service) {
        return HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.newBuilder().setService(service).build())
                .getStatus();
    }

    private EncodeResponse encode() {
        return TokenizerServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(20, TimeUnit.SECONDS)
                .encode(TestRequests.encode(TOY, ToyImages.quadrants(), 1));
    }

    @Test
    void notServingWhileLoadingThenServing() throws Exception {
        try (TokenizerServer server = listen(ServerConfig.defaults())) {
            assertEquals(ServingStatus.NOT_SERVING, health(""));
            assertEquals(ServingStatus.NOT_SERVING, health("toy"));
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, this::encode);
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
            assertEquals(
                    "the server is still loading its models; retry shortly",
                    e.getStatus().getDescription());
            server.markServing();
            assertEquals(ServingStatus.SERVING, health(""));
            assertEquals(ServingStatus.SERVING, health("tessera.v1.TokenizerService"));
            assertEquals(ServingStatus.SERVING, health("toy"));
            assertArrayEquals(ToyImages.QUADRANT_TOKENS, TestRequests.ids(encode()));
        }
    }

    @Test
    void perModelHealthFollowsLoadsAndRemovals() throws Exception {
        try (TokenizerServer server = listen(ServerConfig.defaults())) {
            server.markServing();
            server.modelLoading("fresh");
            assertEquals(ServingStatus.NOT_SERVING, health("fresh"));
            registry.install(Tokenizer.open(ToyTokenizer.gray("fresh", "1").writeTo(temp)));
            assertEquals(ServingStatus.SERVING, health("fresh"));
            server.modelLoading("fresh"); // a second version loading: the first still serves
            assertEquals(ServingStatus.SERVING, health("fresh"));
            assertTrue(registry.remove("fresh", "1"));
            assertEquals(ServingStatus.NOT_SERVING, health("fresh"));
            assertEquals(ServingStatus.SERVING, health("toy"));
        }
    }

    @Test
    void drainLetsAnOpenStreamFinishWhileRefusingNewCalls() throws Exception {
        TokenizerServer server =
                listen(ServerConfig.defaults().withDrainTimeout(Duration.ofSeconds(20)));
        server.markServing();
        BlockingQueue<ServingStatus> watched = new LinkedBlockingQueue<>();
        StreamRecorder<HealthCheckResponse> watch =
                new StreamRecorder<>() {
                    @Override
                    public void onNext(HealthCheckResponse value) {
                        watched.add(value.getStatus());
                    }
                };
        io.grpc.Context.CancellableContext watching = io.grpc.Context.current().withCancellation();
        watching.run(
                () ->
                        HealthGrpc.newStub(channel)
                                .watch(
                                        HealthCheckRequest.newBuilder().setService("toy").build(),
                                        watch));
        assertEquals(ServingStatus.SERVING, watched.poll(10, TimeUnit.SECONDS));

        StreamRecorder<EncodeResponse> answers = new StreamRecorder<>();
        StreamObserver<EncodeRequest> stream =
                TokenizerServiceGrpc.newStub(channel).encodeStream(answers);
        stream.onNext(
                TestRequests.encode(TOY, ToyImages.quadrants(), 1).toBuilder()
                        .setRequestId("before")
                        .build());
        answers.awaitValues(1);

        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(server::drain);
        assertEquals(ServingStatus.NOT_SERVING, watched.poll(10, TimeUnit.SECONDS));
        watching.cancel(null); // the watch is a call too; it would hold the drain open
        // Health turns first (so that balancers stop routing here), then new calls are refused;
        // the drain's 20 s start once the server has stopped taking calls.
        clock.awaitTaskIn(Duration.ofSeconds(20));
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, this::encode);
        assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());

        stream.onNext(
                TestRequests.encode(TOY, ToyImages.quadrants(), 1).toBuilder()
                        .setRequestId("during")
                        .build());
        answers.awaitValues(2);
        assertFalse(drained.isDone(), "the open stream keeps the server draining");
        stream.onCompleted();
        answers.done.get(10, TimeUnit.SECONDS);
        // The clock never moved: the drain ended with the stream, not with its 20 s.
        assertTrue(drained.get(10, TimeUnit.SECONDS), "every call finished in time");
        assertEquals(List.of(), clock.pending(), "the cut-off was called off");
        assertEquals("during", answers.values.get(1).getRequestId());
        assertTrue(server.isTerminated());
    }

    @Test
    void callsOverTheConcurrencyLimitAreRefusedAndHealthStaysOpen() throws Exception {
        ServerConfig config =
                ServerConfig.defaults().withLimits(CallLimits.defaults().withMaxConcurrentCalls(2));
        try (TokenizerServer server = listen(config)) {
            server.markServing();
            StreamRecorder<EncodeResponse> first = new StreamRecorder<>();
            StreamRecorder<EncodeResponse> second = new StreamRecorder<>();
            StreamObserver<EncodeRequest> a =
                    TokenizerServiceGrpc.newStub(channel).encodeStream(first);
            StreamObserver<EncodeRequest> b =
                    TokenizerServiceGrpc.newStub(channel).encodeStream(second);
            a.onNext(TestRequests.encode(TOY, ToyImages.quadrants(), 1));
            b.onNext(TestRequests.encode(TOY, ToyImages.quadrants(), 1));
            first.awaitValues(1);
            second.awaitValues(1);
            ScrapedMetrics m = new ScrapedMetrics(server.metrics().scrape());
            assertEquals(2, m.value("tessera_calls_in_flight"));

            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, this::encode);
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
            assertEquals(
                    "the server is already serving its limit of 2 calls at once"
                            + " (--max-concurrent-calls); retry with backoff",
                    e.getStatus().getDescription());
            assertEquals(ServingStatus.SERVING, health(""), "health checks are not limited");

            a.onCompleted();
            first.done.get(10, TimeUnit.SECONDS);
            assertArrayEquals(ToyImages.QUADRANT_TOKENS, TestRequests.ids(encode()));
            b.onCompleted();
            second.done.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCallWhoseDeadlinePassesInTheQueueIsDroppedWithoutRunningTheModel() throws Exception {
        // A batch of one waits up to 5 s for company: long past the caller's 200 ms deadline.
        ServerConfig config =
                ServerConfig.defaults()
                        .withBatching(new BatchPolicy(64, Duration.ofSeconds(5), 1024));
        ServerMetrics metrics = new ServerMetrics(new PrometheusRegistry(), registry);
        TokenizerGrpcService service =
                new TokenizerGrpcService(
                        new ModelCalls(registry, config, metrics, Runnable::run, () -> true),
                        config.limits().streamWindow());
        // The call's deadline, as gRPC gives it to the service: a context cancelled on the clock.
        Context.CancellableContext call =
                Context.current()
                        .withDeadline(
                                Deadline.after(200, TimeUnit.MILLISECONDS, clock.ticker()), clock);
        StreamRecorder<EncodeResponse> answer = new StreamRecorder<>();
        call.run(() -> service.encode(TestRequests.encode(TOY, ToyImages.quadrants(), 1), answer));
        String[] labels = {"model", "toy", "version", "1", "op", "encode"};
        ScrapedMetrics queued = new ScrapedMetrics(metrics.scrape());
        assertEquals(1, queued.value("tessera_queue_depth", labels), "waiting in the queue");

        clock.advance(Duration.ofMillis(200));
        ExecutionException e =
                assertThrows(ExecutionException.class, () -> answer.done.get(10, TimeUnit.SECONDS));
        assertEquals(
                Status.Code.DEADLINE_EXCEEDED, Status.fromThrowable(e.getCause()).getCode());
        ScrapedMetrics m = new ScrapedMetrics(metrics.scrape());
        assertEquals(
                1,
                m.value(
                        "tessera_dropped_requests_total",
                        "model",
                        "toy",
                        "version",
                        "1",
                        "op",
                        "encode",
                        "reason",
                        "deadline"));
        assertFalse(m.has("tessera_batch_size_count", labels), "the model never ran it");
        assertEquals(0, m.value("tessera_queue_depth", labels));
    }
}
