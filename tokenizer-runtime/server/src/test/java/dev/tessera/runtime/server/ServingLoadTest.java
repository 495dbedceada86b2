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
import dev.tessera.runtime.onnx.TokenizerOptions;
import dev.tessera.runtime.server.batching.BatchPolicy;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * 64 concurrent callers over TCP, 3,200 requests of 1 to 3 images or grids to two models, one with
 * one run in flight per direction and one with three: no call fails, and every answer equals the
 * library's answer for each image alone, although the server merged the requests into larger model
 * runs.
 *
 * <p>The batchers' clock stands still until the last callers, so the one-instance model runs a
 * batch only when it is full (4 images or grids): every run then merges at least two requests,
 * whatever the machine's speed. Once at most 6 callers are left, which could all be waiting in its
 * batches that can no longer fill, the clock races ahead and every waiting request runs at once.
 * The three-instance model never waits while one of its instances is idle.
 */
class ServingLoadTest {

    private static final int CALLERS = 64;
    private static final int REQUESTS_PER_CALLER = 50;
    private static final int INSTANCES = 3;
    private static final int MAX_BATCH = 4;

    /** Callers left when the clock starts: encode and decode may each hold 3 waiting items. */
    private static final int LAST_CALLERS = 2 * (MAX_BATCH - 1);

    private static final ModelRef TOY = TestRequests.model("toy", "1");
    private static final ModelRef TOY3 = TestRequests.model("toy3", "1");
    private static final String[] ENCODE = {"model", "toy", "version", "1", "op", "encode"};

    /** Stands still until {@link #race()}, then moves an hour at every reading. */
    private static final class TestClock {
        private final AtomicBoolean racing = new AtomicBoolean();
        private final AtomicLong hours = new AtomicLong();

        long nanos() {
            return racing.get() ? TimeUnit.HOURS.toNanos(hours.incrementAndGet()) : 0;
        }

        void race() {
            racing.set(true);
        }
    }

    @TempDir Path temp;

    @Test
    void concurrentCallersGetTheSameAnswersAsSingleCallsWhileBeingBatched() throws Exception {
        Path dir = ToyTokenizer.gray("toy", "1").writeTo(temp);
        TestClock clock = new TestClock();
        ServerConfig config =
                ServerConfig.defaults()
                        .withPort(0)
                        .withBatching(new BatchPolicy(MAX_BATCH, Duration.ofMinutes(30), 1024))
                        .withBatchTicker(clock::nanos);
        try (Tokenizer library = Tokenizer.open(dir);
                ModelRegistry registry = new ModelRegistry()) {
            registry.register(Tokenizer.open(dir));
            registry.register(
                    Tokenizer.open(
                            ToyTokenizer.gray("toy3", "1").writeTo(temp),
                            TokenizerOptions.defaults().withInstances(INSTANCES)));
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
                CountDownLatch finished = new CountDownLatch(CALLERS - LAST_CALLERS);
                List<Future<?>> running = new ArrayList<>();
                for (int c = 0; c < CALLERS; c++) {
                    long seed = c;
                    running.add(
                            callers.submit(
                                    () -> {
                                        try {
                                            callRepeatedly(
                                                    stub, library, new Random(seed), compared);
                                        } finally {
                                            finished.countDown();
                                        }
                                        return null;
                                    }));
                }
                assertTrue(finished.await(120, TimeUnit.SECONDS), "the load got stuck");
                // Every run so far waited for a full batch.
                ScrapedMetrics frozen = new ScrapedMetrics(server.metrics().scrape());
                clock.race();
                for (Future<?> f : running) {
                    f.get(120, TimeUnit.SECONDS); // rethrows the first failed call or mismatch
                }
                assertEquals(CALLERS * REQUESTS_PER_CALLER, compared.get());
                double runs = frozen.value("tessera_batch_size_count", ENCODE);
                double images = frozen.value("tessera_batch_size_sum", ENCODE);
                assertTrue(runs > 0);
                assertTrue(
                        images / runs >= 2,
                        "mean encode batch " + images / runs + " over " + runs + " full runs");
                assertTheServerCounted(server);
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
            ModelRef model = random.nextBoolean() ? TOY : TOY3;
            if (random.nextBoolean()) {
                byte[] pixels = TestRequests.randomImages(random, n);
                EncodeResponse r = stub.encode(TestRequests.encode(model, pixels, n));
                ImageBatch images = new ImageBatch(n, 1, 8, 8, pixels);
                int[] expected = new int[n * 4];
                for (int k = 0; k < n; k++) {
                    // The reference is each image encoded on its own.
                    System.arraycopy(library.encode(images.image(k)).ids(), 0, expected, k * 4, 4);
                }
                assertArrayEquals(expected, TestRequests.ids(r));
            } else {
                int[] ids = random.ints(n * 4, 0, 16).toArray();
                DecodeResponse r = stub.decode(TestRequests.decode(model, ids, n, 2, 2));
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

    private static void assertTheServerCounted(TokenizerServer server) {
        ScrapedMetrics m = new ScrapedMetrics(server.metrics().scrape());
        double images = m.value("tessera_batch_size_sum", ENCODE);
        assertEquals(images, m.value("tessera_images_total", ENCODE));
        assertEquals(images * 4, m.value("tessera_tokens_total", ENCODE));
        double ok = 0;
        for (String model : List.of("toy", "toy3")) {
            for (String method : List.of("Encode", "Decode")) {
                ok +=
                        m.value(
                                "tessera_requests_total",
                                "method",
                                "tessera.v1.TokenizerService/" + method,
                                "model",
                                model,
                                "version",
                                "1",
                                "code",
                                "OK");
            }
        }
        assertEquals(CALLERS * REQUESTS_PER_CALLER, ok);
        assertTrue(!m.toString().contains("tessera_request_errors_total{"), "no call failed");
    }
}
