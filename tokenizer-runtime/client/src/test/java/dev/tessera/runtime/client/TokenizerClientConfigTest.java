package dev.tessera.runtime.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.time.Duration;

class TokenizerClientConfigTest {

    @Test
    void builderDefaults() {
        TokenizerClientConfig c = TokenizerClient.builder("localhost:50051").config();
        assertEquals("localhost:50051", c.target());
        assertEquals(null, c.tls());
        assertEquals(null, c.bearerToken());
        assertEquals(Duration.ofSeconds(30), c.deadline());
        assertEquals(RetryPolicy.defaults(), c.retry());
        assertEquals(64 << 20, c.maxInboundMessageBytes());
        assertFalse(c.inProcess());
        assertTrue(TokenizerClientConfig.forTarget("in-process:x").inProcess());
    }

    @Test
    void toStringNeverShowsTheToken() {
        TokenizerClientConfig c =
                TokenizerClient.builder("localhost:50051").bearerToken("s3cret").config();
        assertFalse(c.toString().contains("s3cret"), c.toString());
        assertTrue(c.toString().contains("bearerToken=(set)"), c.toString());
    }

    @Test
    void refusesWrongSettingsNamingThem() {
        assertEquals(
                "target: expected host:port (for example localhost:50051), got \" \"",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> TokenizerClient.builder(" ").config())
                        .getMessage());
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () ->
                                        TokenizerClient.builder("h:1")
                                                .deadline(Duration.ZERO)
                                                .config())
                        .getMessage()
                        .startsWith("deadline:"));
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> TokenizerClient.builder("h:1").bearerToken("a\nb").config())
                        .getMessage()
                        .startsWith("bearerToken:"));
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () ->
                                        TokenizerClient.builder("in-process:x")
                                                .tls(TlsSettings.systemRoots())
                                                .config())
                        .getMessage()
                        .startsWith("tls: an in-process target"));
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () ->
                                        TokenizerClient.builder("h:1")
                                                .maxInboundMessageBytes(10)
                                                .config())
                        .getMessage()
                        .startsWith("maxInboundMessageBytes:"));
    }
}
