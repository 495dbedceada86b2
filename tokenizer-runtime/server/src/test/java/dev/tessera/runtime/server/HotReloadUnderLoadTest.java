package dev.tessera.runtime.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.api.v1.EncodeResponse;
import dev.tessera.api.v1.ModelRef;
import dev.tessera.api.v1.TokenizerServiceGrpc;
import dev.tessera.api.v1.TokenizerServiceGrpc.TokenizerServiceBlockingStub;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.onnx.TokenizerOptions;
import dev.tessera.runtime.testing.ManualClock;
import dev.tessera.runtime.testing.ToyImages;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Versions appear and disappear in a polled repository while 16 callers keep calling, half of them
 * the default (highest) version, half a version that stays: no call fails, every answer is right,
 * and the callers see the versions change. The repository is polled on a {@link ManualClock}: each
 * poll happens when the test moves the clock by the poll interval.
 */
class HotReloadUnderLoadTest {

    private static final Duration POLL = Duration.ofMillis(20);

    @TempDir Path temp;

    @Test
    void versionsComeAndGoWhileCallersRunWithoutAFailedCall() throws Exception {
        RepositoryFixture repo = new RepositoryFixture(temp.resolve("models"));
        repo.add("toy", "1");
        ModelRegistry registry = new ModelRegistry();
        RepositoryWatcher watcher =
                new RepositoryWatcher(
                        new ModelRepository(repo.root),
                        registry,
                        TokenizerOptions.defaults(),
                        new RepositoryWatcher.Listener() {});
        watcher.scan();
        ManualClock clock = new ManualClock();
        watcher.start(POLL, clock);
        TokenizerServer server =
                TokenizerServer.startInProcess(registry, "hot-reload", ServerConfig.defaults());
        ManagedChannel channel = InProcessChannelBuilder.forName("hot-reload").build();
        ExecutorService callers = Executors.newFixedThreadPool(16);
        AtomicBoolean stop = new AtomicBoolean();
        Set<String> versionsSeen = ConcurrentHashMap.newKeySet();
        AtomicInteger calls = new AtomicInteger();
        Semaphore defaultCalls = new Semaphore(0); // one permit per answered default-version call
        try {
            TokenizerServiceBlockingStub stub = TokenizerServiceGrpc.newBlockingStub(channel);
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < 16; c++) {
                boolean byDefault = c % 2 == 0;
                ModelRef ref = TestRequests.model("toy", byDefault ? "" : "1");
                running.add(
                        callers.submit(
                                () -> {
                                    while (!stop.get()) {
                                        EncodeResponse r =
                                                stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                                                        .encode(
                                                                TestRequests.encode(
                                                                        ref,
                                                                        ToyImages.quadrants(),
                                                                        1));
                                        assertArrayEquals(
                                                ToyImages.QUADRANT_TOKENS, TestRequests.ids(r));
                                        versionsSeen.add(r.getModel().getVersion());
                                        calls.incrementAndGet();
                                        if (byDefault) {
                                            defaultCalls.release();
                                        }
                                    }
                                    return null;
                                }));
            }
            // Add 2..6 one by one, each replacing the previous highest, then remove them all.
            for (int v = 2; v <= 6; v++) {
                repo.add("toy", Integer.toString(v));
                clock.advance(POLL);
                assertEquals(Integer.toString(v), defaultVersion(registry), "found at the poll");
                if (v > 2) {
                    repo.remove("toy", Integer.toString(v - 1)); // gone at the next poll
                }
                awaitCalls(defaultCalls);
            }
            repo.remove("toy", "6");
            clock.advance(POLL);
            assertEquals("1", defaultVersion(registry));
            awaitCalls(defaultCalls);
            stop.set(true);
            for (Future<?> f : running) {
                f.get(30, TimeUnit.SECONDS); // rethrows any failed call
            }
            assertEquals(
                    List.of("1"),
                    registry.all().stream().map(Tokenizer::version).toList(),
                    "removed versions are gone");
        } finally {
            stop.set(true);
            callers.shutdownNow();
            channel.shutdownNow();
            server.close();
            watcher.close();
            registry.close();
        }
        assertTrue(calls.get() > 100, "only " + calls.get() + " calls");
        assertTrue(versionsSeen.size() >= 4, "callers saw versions " + versionsSeen);
    }

    private static String defaultVersion(ModelRegistry registry) {
        return registry.resolve(TestRequests.model("toy", "")).version();
    }

    /**
     * Waits for 16 more answered default-version calls: at most 8 of them (one per such caller)
     * began before the last poll, so at least 8 saw the version it installed.
     */
    private static void awaitCalls(Semaphore defaultCalls) throws InterruptedException {
        defaultCalls.drainPermits();
        assertTrue(defaultCalls.tryAcquire(16, 30, TimeUnit.SECONDS), "the callers stalled");
    }
}
