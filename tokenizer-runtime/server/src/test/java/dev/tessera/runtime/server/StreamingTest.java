package dev.tessera.runtime.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.api.v1.DecodeRequest;
import dev.tessera.api.v1.DecodeResponse;
import dev.tessera.api.v1.EncodeRequest;
import dev.tessera.api.v1.EncodeResponse;
import dev.tessera.api.v1.ModelRef;
import dev.tessera.api.v1.TokenizerServiceGrpc;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.testing.ToyTokenizer;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.stub.StreamObserver;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** EncodeStream and DecodeStream: order, request ids, errors, flow control. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamingTest {

    private static final ModelRef TOY = TestRequests.model("toy", "");

    @TempDir static Path temp;
    private ModelRegistry registry;
    private TokenizerServer server;
    private ManagedChannel channel;
    private Tokenizer library;

    @BeforeAll
    void start() throws Exception {
        Path dir = ToyTokenizer.gray("toy", "1").writeTo(temp);
        library = Tokenizer.open(dir);
        registry = new ModelRegistry();
        registry.register(Tokenizer.open(dir));
        // A window of 4 makes flow control matter with streams of many messages.
        ServerConfig config =
                ServerConfig.defaults()
                        .withMaxBatch(8)
                        .withLimits(CallLimits.defaults().withStreamWindow(4));
        server = TokenizerServer.startInProcess(registry, "streaming-test", config);
        channel = InProcessChannelBuilder.forName("streaming-test").build();
    }

    @AfterAll
    void stop() {
        channel.shutdownNow();
        server.close();
        registry.close();
        library.close();
    }

    @Test
    void encodeStreamAnswersEveryRequestInOrderWithItsId() throws Exception {
        Random random = new Random(11);
        List<EncodeRequest> requests = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            int n = 1 + random.nextInt(8);
            requests.add(
                    TestRequests.encode(TOY, TestRequests.randomImages(random, n), n).toBuilder()
                            .setRequestId("r-" + i)
                            .build());
        }
        StreamRecorder<EncodeResponse> answers = new StreamRecorder<>();
        StreamObserver<EncodeRequest> send =
                TokenizerServiceGrpc.newStub(channel)
                        .withDeadlineAfter(60, TimeUnit.SECONDS)
                        .encodeStream(answers);
        requests.forEach(send::onNext);
        send.onCompleted();
        answers.done.get(60, TimeUnit.SECONDS);
        assertEquals(requests.size(), answers.values.size());
        for (int i = 0; i < requests.size(); i++) {
            EncodeRequest q = requests.get(i);
            EncodeResponse r = answers.values.get(i);
            assertEquals(q.getRequestId(), r.getRequestId());
            int n = (int) q.getPixels().getShape(0);
            ImageBatch images = new ImageBatch(n, 1, 8, 8, q.getPixels().getData().toByteArray());
            assertArrayEquals(library.encode(images).ids(), TestRequests.ids(r), q.getRequestId());
            assertEquals("1", r.getModel().getVersion());
        }
    }

    @Test
    void decodeStreamAnswersInOrder() throws Exception {
        StreamRecorder<DecodeResponse> answers = new StreamRecorder<>();
        StreamObserver<DecodeRequest> send =
                TokenizerServiceGrpc.newStub(channel).decodeStream(answers);
        List<int[]> grids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int[] ids = {i % 16, (i + 1) % 16, (i + 2) % 16, (i + 3) % 16};
            grids.add(ids);
            send.onNext(
                    TestRequests.decode(TOY, ids, 1, 2, 2).toBuilder()
                            .setRequestId("d-" + i)
                            .build());
        }
        send.onCompleted();
        answers.done.get(30, TimeUnit.SECONDS);
        assertEquals(40, answers.values.size());
        for (int i = 0; i < 40; i++) {
            DecodeResponse r = answers.values.get(i);
            assertEquals("d-" + i, r.getRequestId());
            assertArrayEquals(
                    library.decode(new TokenBatch(1, 2, 2, grids.get(i))).pixels(),
                    r.getPixels().getData().toByteArray());
        }
    }

    @Test
    void aBadMessageEndsTheStreamNamingItsRequestIdAfterTheEarlierAnswers() throws Exception {
        StreamRecorder<EncodeResponse> answers = new StreamRecorder<>();
        StreamObserver<EncodeRequest> send =
                TokenizerServiceGrpc.newStub(channel).encodeStream(answers);
        byte[] image = new byte[64];
        for (int i = 0; i < 3; i++) {
            send.onNext(
                    TestRequests.encode(TOY, image, 1).toBuilder().setRequestId("ok-" + i).build());
        }
        send.onNext(
                TestRequests.encode(TOY, new byte[63], 1).toBuilder()
                        .setRequestId("broken")
                        .build());
        send.onNext(TestRequests.encode(TOY, image, 1).toBuilder().setRequestId("after").build());
        ExecutionException e =
                assertThrows(
                        ExecutionException.class, () -> answers.done.get(30, TimeUnit.SECONDS));
        Status status = assertInstanceOf(StatusRuntimeException.class, e.getCause()).getStatus();
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
        assertEquals(
                "request_id \"broken\" (message 4): pixels.data: expected 64 bytes for shape"
                        + " [1,1,8,8], got 63",
                status.getDescription());
        assertEquals(
                List.of("ok-0", "ok-1", "ok-2"),
                answers.values.stream().map(EncodeResponse::getRequestId).toList());
        // The server carries on: a new stream works.
        StreamRecorder<EncodeResponse> again = new StreamRecorder<>();
        StreamObserver<EncodeRequest> next =
                TokenizerServiceGrpc.newStub(channel).encodeStream(again);
        next.onNext(TestRequests.encode(TOY, image, 1));
        next.onCompleted();
        again.done.get(30, TimeUnit.SECONDS);
        assertArrayEquals(new int[4], TestRequests.ids(again.values.get(0)));
    }

    @Test
    void anUnknownModelMidStreamIsNotFoundForThatMessage() throws Exception {
        StreamRecorder<EncodeResponse> answers = new StreamRecorder<>();
        StreamObserver<EncodeRequest> send =
                TokenizerServiceGrpc.newStub(channel).encodeStream(answers);
        send.onNext(
                TestRequests.encode(TOY, new byte[64], 1).toBuilder().setRequestId("a").build());
        send.onNext(
                TestRequests.encode(TestRequests.model("toy", "7"), new byte[64], 1).toBuilder()
                        .setRequestId("b")
                        .build());
        ExecutionException e =
                assertThrows(
                        ExecutionException.class, () -> answers.done.get(30, TimeUnit.SECONDS));
        Status status = ((StatusRuntimeException) e.getCause()).getStatus();
        assertEquals(Status.Code.NOT_FOUND, status.getCode());
        assertTrue(
                status.getDescription().startsWith("request_id \"b\" (message 2): model.version:"),
                status.getDescription());
        assertEquals(1, answers.values.size());
    }

    @Test
    void aClientThatCancelsMidStreamLeavesTheServerServing() throws Exception {
        StreamRecorder<EncodeResponse> answers = new StreamRecorder<>();
        StreamObserver<EncodeRequest> send =
                TokenizerServiceGrpc.newStub(channel).encodeStream(answers);
        for (int i = 0; i < 20; i++) {
            send.onNext(TestRequests.encode(TOY, new byte[8 * 64], 8));
        }
        send.onError(Status.CANCELLED.withDescription("client gave up").asRuntimeException());
        assertThrows(ExecutionException.class, () -> answers.done.get(30, TimeUnit.SECONDS));
        EncodeResponse r =
                TokenizerServiceGrpc.newBlockingStub(channel)
                        .encode(TestRequests.encode(TOY, new byte[64], 1));
        assertArrayEquals(new int[4], TestRequests.ids(r));
    }
}
