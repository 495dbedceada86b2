package dev.tessera.runtime.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.api.v1.DecodeResponse;
import dev.tessera.api.v1.EncodeResponse;
import dev.tessera.api.v1.ModelRef;
import dev.tessera.api.v1.TokenizerServiceGrpc;
import dev.tessera.api.v1.TokenizerServiceGrpc.TokenizerServiceBlockingStub;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.testing.ToyTokenizer;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * 64 concurrent callers over TCP, 3,200 requests of 1 to 3 images or grids: no call fails, and
 * every answer equals the library's answer for each image alone, although the server merged the
 * requests into larger model runs.
 */
class ServingLoadTest {

    private static final int CALLERS = 64;
    private static final int REQUESTS_PER_CALLER = 50;
    private static final ModelRef TOY = TestRequests.model("toy", "1");

    @TempDir Path temp;

    @Test
    void concurrentCallersGetTheSameAnswersAsSingleCallsWhileBeingBatched() throws Exception {
        Path dir = ToyTokenizer.gray("toy", "1").writeTo(temp);
        ServerConfig config =
                ServerConfig.defaults()
                        .withPort(0)
                        .withBatching(
                                new dev.tessera.runtime.server.batching.BatchPolicy(
                                        64, Duration.ofMillis(2), 1024));
        try (Tokenizer library = Tokenizer.open(dir);
                ModelRegistry registry = new ModelRegistry()) {
            registry.register(Tokenizer.open(dir));
            TokenizerServer server = TokenizerServer.start(registry, config);
            ManagedChannel channel =
                    NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                            .usePlaintext()
                            .build();
            ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
            try {
                TokenizerServiceBlockingStub stub =
                        TokenizerServiceGrpc.newBlockingStub(channel)
                                .withDeadlineAfter(120, TimeUnit.SECONDS);
                AtomicInteger compared = new AtomicInteger();
                List<Future<?>> running = new ArrayList<>();
                for (int c = 0; c < CALLERS; c++) {
                    long seed = c;
                    running.add(
                            callers.submit(
                                    () -> {
                                        callRepeatedly(stub, library, new Random(seed), compared);
                                        return null;
                                    }));
                }
                for (Future<?> f : running) {
                    f.get(120, TimeUnit.SECONDS); // rethrows the first failed call or mismatch
                }
                assertEquals(CALLERS * REQUESTS_PER_CALLER, compared.get());
                assertBatchesWereFormed(server);
            } finally {
                callers.shutdownNow();
                channel.shutdownNow();
                server.close();
            }
        }
    }

    private static void callRepeatedly(
            TokenizerServiceBlockingStub stub,
            Tokenizer library,
            Random random,
            AtomicInteger compared) {
        for (int i = 0; i < REQUESTS_PER_CALLER; i++) {
            int n = 1 + random.nextInt(3);
            if (random.nextBoolean()) {
                byte[] pixels = TestRequests.randomImages(random, n);
                EncodeResponse r = stub.encode(TestRequests.encode(TOY, pixels, n));
                ImageBatch images = new ImageBatch(n, 1, 8, 8, pixels);
                int[] expected = new int[n * 4];
                for (int k = 0; k < n; k++) {
                    // The reference is each image encoded on its own.
                    System.arraycopy(library.encode(images.image(k)).ids(), 0, expected, k * 4, 4);
                }
                assertArrayEquals(expected, TestRequests.ids(r));
            } else {
                int[] ids = random.ints(n * 4, 0, 16).toArray();
                DecodeResponse r = stub.decode(TestRequests.decode(TOY, ids, n, 2, 2));
                TokenBatch tokens = new TokenBatch(n, 2, 2, ids);
                byte[] expected = new byte[n * 64];
                for (int k = 0; k < n; k++) {
                    System.arraycopy(
                            library.decode(tokens.grid(k)).pixels(), 0, expected, k * 64, 64);
                }
                assertArrayEquals(expected, r.getPixels().getData().toByteArray());
            }
            compared.incrementAndGet();
        }
    }

    private static void assertBatchesWereFormed(TokenizerServer server) {
        ScrapedMetrics m = new ScrapedMetrics(server.metrics().scrape());
        String[] encode = {"model", "toy", "version", "1", "op", "encode"};
        double runs = m.value("tessera_batch_size_count", encode);
        double images = m.value("tessera_batch_size_sum", encode);
        assertEquals(images, m.value("tessera_images_total", encode));
        assertEquals(images * 4, m.value("tessera_tokens_total", encode));
        assertTrue(
                images / runs > 1.5,
                "mean encode batch " + images / runs + " over " + runs + " runs: no batching");
        double ok = 0;
        for (String method : new String[] {"Encode", "Decode"}) {
            ok +=
                    m.value(
                            "tessera_requests_total",
                            "method",
                            "tessera.v1.TokenizerService/" + method,
                            "model",
                            "toy",
                            "version",
                            "1",
                            "code",
                            "OK");
        }
        assertEquals(CALLERS * REQUESTS_PER_CALLER, ok);
        assertTrue(!m.toString().contains("tessera_request_errors_total{"), "no call failed");
    }
}
