package dev.tessera.runtime.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

class RetryPolicyTest {

    @Test
    void theDefaultsBecomeGrpcsRetryPolicyForTheTokenizerService() {
        assertEquals(
                Map.of(
                        "methodConfig",
                        List.of(
                                Map.of(
                                        "name",
                                        List.of(Map.of("service", "tessera.v1.TokenizerService")),
                                        "retryPolicy",
                                        Map.of(
                                                "maxAttempts", 4.0,
                                                "initialBackoff", "0.100000000s",
                                                "maxBackoff", "2.000000000s",
                                                "backoffMultiplier", 2.0,
                                                "retryableStatusCodes", List.of("UNAVAILABLE"))))),
                RetryPolicy.defaults().serviceConfig());
    }

    @Test
    void durationsAreWrittenToTheNanosecond() {
        RetryPolicy p =
                new RetryPolicy(7, Duration.ofNanos(1_500_000_001L), Duration.ofSeconds(61), 1.5);
        @SuppressWarnings("unchecked")
        Map<String, ?> retry =
                (Map<String, ?>)
                        ((Map<String, ?>)
                                        ((List<?>) p.serviceConfig().get("methodConfig")).get(0))
                                .get("retryPolicy");
        assertEquals("1.500000001s", retry.get("initialBackoff"));
        assertEquals("61.000000000s", retry.get("maxBackoff"));
        assertEquals(7.0, retry.get("maxAttempts"));
        assertEquals(1.5, retry.get("backoffMultiplier"));
    }

    @Test
    void defaultsAndNone() {
        RetryPolicy d = RetryPolicy.defaults();
        assertEquals(4, d.maxAttempts());
        assertEquals(Duration.ofMillis(100), d.initialBackoff());
        assertTrue(d.retries());
        assertEquals(1, RetryPolicy.none().maxAttempts());
        assertFalse(RetryPolicy.none().retries());
        assertThrows(IllegalStateException.class, () -> RetryPolicy.none().serviceConfig());
    }

    @Test
    void constructorRefusesNonsense() {
        Duration ms = Duration.ofMillis(1);
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, ms, ms, 2));
        assertThrows(
                IllegalArgumentException.class, () -> new RetryPolicy(2, Duration.ZERO, ms, 2));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new RetryPolicy(2, Duration.ofSeconds(1), ms, 2));
        assertTrue(e.getMessage().startsWith("maxBackoff: expected ≥ initialBackoff"));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(2, ms, ms, 0.5));
        assertThrows(
                IllegalArgumentException.class, () -> new RetryPolicy(2, ms, ms, Double.NaN));
    }
}
