package dev.tessera.runtime.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;

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
import java.util.concurrent.TimeUnit;

/** Retries, deadlines and the bearer token, against a scripted in-process fake server. */
class TokenizerClientRetryTest {

    private static final ImageBatch TWO_IMAGES = new ImageBatch(2, 1, 2, 2, new byte[8]);
    private static final RetryPolicy FAST =
            RetryPolicy.defaults()
                    .withMaxAttempts(5)
                    .withBackoff(Duration.ofMillis(10), Duration.ofMillis(40));

    private final FakeTokenizerService fake = new FakeTokenizerService();
    private Server server;
    private String name;

    @BeforeEach
    void startFake() throws IOException {
        name = "fake-" + System.nanoTime();
        server = InProcessServerBuilder.forName(name).addService(fake.definition()).build().start();
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

    @Test
    void slowServerIsCutOffAtTheDeadline() {
        fake.delay = Duration.ofSeconds(10);
        long start = System.nanoTime();
        try (TokenizerClient client = client().deadline(Duration.ofMillis(300)).build()) {
            TokenizerClientException e =
                    assertThrows(
                            TokenizerClientException.class,
                            () -> client.encode("fake", null, TWO_IMAGES));
            assertEquals(Status.Code.DEADLINE_EXCEEDED, e.code());
            assertEquals(1, e.attempts());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds >= 0.29 && seconds < 3, "returned after " + seconds + " s");
    }

    @Test
    void retriesStopBeforeTheDeadline() {
        for (int i = 0; i < 1000; i++) {
            fake.failures.add(Status.UNAVAILABLE.withDescription("down"));
        }
        RetryPolicy patient =
                RetryPolicy.defaults()
                        .withMaxAttempts(1000)
                        .withBackoff(Duration.ofMillis(50), Duration.ofMillis(50));
        long start = System.nanoTime();
        try (TokenizerClient client =
                client().retry(patient).deadline(Duration.ofMillis(400)).build()) {
            TokenizerClientException e =
                    assertThrows(
                            TokenizerClientException.class,
                            () -> client.encode("fake", null, TWO_IMAGES));
            // Usually the next wait would pass the deadline, and the last UNAVAILABLE is kept;
            // when the last wait leaves only a sliver of time, that attempt runs out of it.
            if (e.code() == Status.Code.UNAVAILABLE) {
                assertTrue(e.getMessage().contains("deadline of 0.4 s"), e.getMessage());
            } else {
                assertEquals(Status.Code.DEADLINE_EXCEEDED, e.code(), e.getMessage());
            }
            assertTrue(e.attempts() >= 3 && e.attempts() <= 10, "attempts " + e.attempts());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 0.4 + 0.5, "returned after " + seconds + " s");
        assertTrue(fake.encodeCalls.get() < 1000);
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
