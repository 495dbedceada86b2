package dev.tessera.runtime.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.testing.ManualClock;

import io.grpc.Deadline;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessServerBuilder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Retries, deadlines and the bearer token, against a scripted in-process fake server. */
class TokenizerClientRetryTest {

    private static final ImageBatch TWO_IMAGES = new ImageBatch(2, 1, 2, 2, new byte[8]);
    private static final RetryPolicy FAST =
            RetryPolicy.defaults()
                    .withMaxAttempts(5)
                    .withBackoff(Duration.ofMillis(10), Duration.ofMillis(40));

    private static final Deadline.Ticker STOPPED =
            new Deadline.Ticker() {
                @Override
                public long nanoTime() {
                    return 0;
                }
            };

    private final FakeTokenizerService fake = new FakeTokenizerService();
    private Server server;
    private String name;

    @BeforeEach
    void startFake() throws IOException {
        name = "fake-" + UUID.randomUUID();
        // The clients' deadlines run on a ManualClock; with the server on real time, an attempt
        // sent with a fraction of a millisecond left would time out on the server before the fake
        // answers, ending the call early with the server's DEADLINE_EXCEEDED. A server clock that
        // never moves leaves every deadline to the client's clock.
        server =
                InProcessServerBuilder.forName(name)
                        .deadlineTicker(STOPPED)
                        .addService(fake.definition())
                        .build()
                        .start();
    }

    @AfterEach
    void stopFake() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private TokenizerClient.Builder client() {
        return TokenizerClient.builder("in-process:" + name).retry(FAST);
    }

    @Test
    void unavailableTwiceThenSuccessSucceedsOnTheThirdAttempt() {
        fake.failures.add(Status.UNAVAILABLE.withDescription("restarting"));
        fake.failures.add(Status.UNAVAILABLE.withDescription("restarting"));
        try (TokenizerClient client = client().build()) {
            TokenBatch tokens = client.encode("fake", null, TWO_IMAGES);
            assertArrayEquals(new int[] {0, 1}, tokens.ids());
            assertEquals(2, tokens.count());
        }
        assertEquals(3, fake.encodeCalls.get());
        assertEquals(1, Set.copyOf(fake.requestIds).size(), "one request id across the retries");
    }

    @Test
    void unavailableOnEveryAttemptGivesUpAfterMaxAttempts() {
        for (int i = 0; i < 10; i++) {
            fake.failures.add(Status.UNAVAILABLE.withDescription("still restarting"));
        }
        try (TokenizerClient client = client().build()) {
            TokenizerClientException e =
                    assertThrows(
                            TokenizerClientException.class,
                            () -> client.encode("fake", null, TWO_IMAGES));
            assertEquals(Status.Code.UNAVAILABLE, e.code());
            assertEquals(5, e.attempts());
            assertEquals("still restarting", e.description());
            assertEquals(
                    "Encode failed with UNAVAILABLE after 5 attempts: still restarting",
                    e.getMessage());
        }
        assertEquals(5, fake.encodeCalls.get());
    }

    @Test
    void invalidArgumentIsNotRetried() {
        fake.failures.add(
                Status.INVALID_ARGUMENT.withDescription("pixels.shape: expected [N,1,8,8]"));
        try (TokenizerClient client = client().build()) {
            TokenizerClientException e =
                    assertThrows(
                            TokenizerClientException.class,
                            () -> client.encode("fake", null, TWO_IMAGES));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
            assertEquals("pixels.shape: expected [N,1,8,8]", e.description());
            assertEquals(1, e.attempts());
        }
        assertEquals(1, fake.encodeCalls.get());
    }

    @Test
    void otherFailuresAreNotRetriedEither() {
        for (Status status :
                List.of(
                        Status.RESOURCE_EXHAUSTED,
                        Status.INTERNAL,
                        Status.NOT_FOUND,
                        Status.UNAUTHENTICATED)) {
            fake.encodeCalls.set(0);
            fake.failures.add(status.withDescription("no"));
            try (TokenizerClient client = client().build()) {
                TokenizerClientException e =
                        assertThrows(
                                TokenizerClientException.class,
                                () -> client.encode("fake", null, TWO_IMAGES));
                assertEquals(status.getCode(), e.code());
            }
            assertEquals(1, fake.encodeCalls.get(), status.getCode() + " was retried");
        }
    }

    /** A client whose deadlines and retry waits run on {@code clock}. */
    private TokenizerClient clientOn(ManualClock clock, RetryPolicy retry, Duration deadline) {
        return TokenizerClient.connect(
                client().retry(retry).deadline(deadline).config(), clock, clock.ticker());
    }

    @Test
    void aHangingServerIsCutOffAtTheDeadline() throws Exception {
        fake.hang = true;
        ManualClock clock = new ManualClock();
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try (TokenizerClient client = clientOn(clock, FAST, Duration.ofMillis(300))) {
            Future<TokenBatch> call = caller.submit(() -> client.encode("fake", null, TWO_IMAGES));
            assertTrue(fake.received.tryAcquire(30, TimeUnit.SECONDS), "the call never arrived");
            clock.awaitTaskIn(Duration.ofMillis(300));
            clock.advance(Duration.ofMillis(299));
            assertFalse(call.isDone(), "nothing but the deadline can end this call");
            clock.advance(Duration.ofMillis(1));
            ExecutionException failed =
                    assertThrows(ExecutionException.class, () -> call.get(30, TimeUnit.SECONDS));
            TokenizerClientException e = (TokenizerClientException) failed.getCause();
            assertEquals(Status.Code.DEADLINE_EXCEEDED, e.code());
            assertEquals(1, e.attempts());
        } finally {
            caller.shutdownNow();
        }
        assertEquals(Duration.ofMillis(300), clock.elapsed());
        assertEquals(1, fake.encodeCalls.get());
    }

    @Test
    void retriesStopAtTheDeadline() throws Exception {
        for (int i = 0; i < 1000; i++) {
            fake.failures.add(Status.UNAVAILABLE.withDescription("down"));
        }
        // Every wait is 50 ms × a random factor in [0.8, 1.2]: 40 to 60 ms.
        RetryPolicy patient =
                RetryPolicy.defaults()
                        .withMaxAttempts(1000)
                        .withBackoff(Duration.ofMillis(50), Duration.ofMillis(50));
        Duration deadline = Duration.ofMillis(400);
        ManualClock clock = new ManualClock();
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try (TokenizerClient client = clientOn(clock, patient, deadline)) {
            Future<TokenBatch> call = caller.submit(() -> client.encode("fake", null, TWO_IMAGES));
            waitOutRetriesUntil(clock, deadline);
            ExecutionException failed =
                    assertThrows(ExecutionException.class, () -> call.get(30, TimeUnit.SECONDS));
            TokenizerClientException e = (TokenizerClientException) failed.getCause();
            assertEquals(Status.Code.DEADLINE_EXCEEDED, e.code(), e.getMessage());
            // 6 waits of at most 60 ms fit into 400 ms, 10 of at least 40 ms do not all fit.
            assertTrue(e.attempts() >= 7 && e.attempts() <= 11, "attempts " + e.attempts());
            assertEquals(e.attempts(), fake.encodeCalls.get());
            assertTrue(
                    e.getMessage()
                            .endsWith(
                                    " (the call's deadline passed while waiting to retry; the"
                                            + " last attempt failed with UNAVAILABLE: down)"),
                    e.getMessage());
        } finally {
            caller.shutdownNow();
        }
        assertEquals(deadline, clock.elapsed(), "the call ended at its deadline, not later");
    }

    /**
     * Plays the clock for a call that keeps failing: each time the client waits to retry, moves
     * time to the end of the wait, until the next wait would end after {@code deadline}; then moves
     * time to the deadline. The call's deadline timer is the task due at {@code deadline}; tasks
     * beyond a second are gRPC's idle timer.
     */
    private static void waitOutRetriesUntil(ManualClock clock, Duration deadline)
            throws InterruptedException {
        while (true) {
            Duration left = deadline.minus(clock.elapsed());
            Duration wait =
                    retryWait(
                            clock.awaitPending(d -> retryWait(d, left) != null, "a retry wait"),
                            left);
            if (wait.compareTo(left) >= 0) {
                clock.advance(left);
                return;
            }
            clock.advance(wait);
        }
    }

    /** The pending wait that is not the deadline's nor gRPC's idle timer; null if none. */
    private static Duration retryWait(List<Duration> delays, Duration deadlineIn) {
        return delays.stream()
                .filter(d -> !d.equals(deadlineIn) && d.compareTo(Duration.ofSeconds(1)) < 0)
                .findFirst()
                .orElse(null);
    }

    @Test
    void bearerTokenIsSentOnEveryAttempt() {
        fake.failures.add(Status.UNAVAILABLE);
        try (TokenizerClient client = client().bearerToken("s3cret-token").build()) {
            client.encode("fake", null, TWO_IMAGES);
            client.listModels();
        }
        assertEquals(
                List.of("Bearer s3cret-token", "Bearer s3cret-token", "Bearer s3cret-token"),
                fake.authorizations);
    }

    @Test
    void noTokenNoAuthorizationHeader() {
        try (TokenizerClient client = client().build()) {
            assertEquals("fake", client.listModels().get(0).getName());
        }
        assertEquals(List.of(""), fake.authorizations);
    }

    @Test
    void unreachableServerIsUnavailableNamingTheCause() throws IOException {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (TokenizerClient client =
                TokenizerClient.builder("127.0.0.1:" + port)
                        .retry(FAST.withMaxAttempts(2))
                        .deadline(Duration.ofSeconds(5))
                        .build()) {
            TokenizerClientException e =
                    assertThrows(TokenizerClientException.class, client::listModels);
            assertEquals(Status.Code.UNAVAILABLE, e.code());
            assertEquals(2, e.attempts());
            assertTrue(e.description().contains(Integer.toString(port)), e.description());
        }
    }
}
