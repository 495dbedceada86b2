package dev.tessera.runtime.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.time.Duration;

class RetryPolicyTest {

    private static final long MS = 1_000_000L;

    @Test
    void backoffGrowsExponentiallyUpToTheCap() {
        RetryPolicy p =
                new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(500), 2.0, 0.0);
        assertEquals(100 * MS, p.backoffNanos(1, 0.7));
        assertEquals(200 * MS, p.backoffNanos(2, 0.7));
        assertEquals(400 * MS, p.backoffNanos(3, 0.7));
        assertEquals(500 * MS, p.backoffNanos(4, 0.7));
        assertEquals(500 * MS, p.backoffNanos(60, 0.7));
    }

    @Test
    void jitterSpreadsEachWaitAroundItsBase() {
        RetryPolicy p =
                new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(5), 2.0, 0.2);
        assertEquals(80 * MS, p.backoffNanos(1, 0.0));
        assertEquals(100 * MS, p.backoffNanos(1, 0.5));
        assertEquals(160 * MS, p.backoffNanos(2, 0.0));
        assertEquals(240 * MS, p.backoffNanos(2, 1.0));
        // Jitter never pushes a wait past the cap.
        RetryPolicy capped = p.withBackoff(Duration.ofMillis(100), Duration.ofMillis(100));
        assertEquals(100 * MS, capped.backoffNanos(1, 0.99));
        assertEquals(80 * MS, capped.backoffNanos(1, 0.0));
    }

    @Test
    void defaultsAndNone() {
        RetryPolicy d = RetryPolicy.defaults();
        assertEquals(4, d.maxAttempts());
        assertEquals(Duration.ofMillis(100), d.initialBackoff());
        assertEquals(1, RetryPolicy.none().maxAttempts());
    }

    @Test
    void constructorRefusesNonsense() {
        Duration ms = Duration.ofMillis(1);
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, ms, ms, 2, 0));
        assertThrows(
                IllegalArgumentException.class, () -> new RetryPolicy(2, Duration.ZERO, ms, 2, 0));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new RetryPolicy(2, Duration.ofSeconds(1), ms, 2, 0));
        assertTrue(e.getMessage().startsWith("maxBackoff: expected ≥ initialBackoff"));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(2, ms, ms, 0.5, 0));
        assertThrows(
                IllegalArgumentException.class, () -> new RetryPolicy(2, ms, ms, Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(2, ms, ms, 2, 1.5));
        assertThrows(
                IllegalArgumentException.class, () -> RetryPolicy.defaults().backoffNanos(0, 0));
    }
}
