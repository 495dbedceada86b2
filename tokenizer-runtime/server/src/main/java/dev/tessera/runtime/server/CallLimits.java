package dev.tessera.runtime.server;

/**
 * Per-call and per-server limits that keep one caller from exhausting the server's memory or
 * threads.
 *
 * @param maxMessageBytes largest request message accepted; a larger one is refused by gRPC with
 *     {@code RESOURCE_EXHAUSTED} before it is read into memory
 * @param maxConcurrentCalls tokenizer calls served at once over all connections; more are refused
 *     {@code RESOURCE_EXHAUSTED} (health checks and reflection do not count)
 * @param maxCallsPerConnection concurrent calls (HTTP/2 streams) one connection may open; 0 for no
 *     limit. Further streams wait on the client side rather than fail
 * @param streamWindow requests of one streaming call that may be in the server at once; the server
 *     reads the next only when one is answered, so a fast sender is slowed, not buffered
 */
public record CallLimits(
        int maxMessageBytes, int maxConcurrentCalls, int maxCallsPerConnection, int streamWindow) {

    /** Validates every field. */
    public CallLimits {
        if (maxMessageBytes < 1024) {
            throw new IllegalArgumentException(
                    "maxMessageBytes: expected ≥ 1024, got " + maxMessageBytes);
        }
        if (maxConcurrentCalls < 1) {
            throw new IllegalArgumentException(
                    "maxConcurrentCalls: expected ≥ 1, got " + maxConcurrentCalls);
        }
        if (maxCallsPerConnection < 0) {
            throw new IllegalArgumentException(
                    "maxCallsPerConnection: expected ≥ 0 (0: no limit), got "
                            + maxCallsPerConnection);
        }
        if (streamWindow < 1) {
            throw new IllegalArgumentException("streamWindow: expected ≥ 1, got " + streamWindow);
        }
    }

    /** 64 MiB messages, 1024 calls at once, 256 per connection, 32 stream requests in flight. */
    public static CallLimits defaults() {
        return new CallLimits(64 << 20, 1024, 256, 32);
    }

    /** These limits with another message size. */
    public CallLimits withMaxMessageBytes(int bytes) {
        return new CallLimits(bytes, maxConcurrentCalls, maxCallsPerConnection, streamWindow);
    }

    /** These limits with another number of concurrent calls. */
    public CallLimits withMaxConcurrentCalls(int calls) {
        return new CallLimits(maxMessageBytes, calls, maxCallsPerConnection, streamWindow);
    }

    /** These limits with another number of calls per connection. */
    public CallLimits withMaxCallsPerConnection(int calls) {
        return new CallLimits(maxMessageBytes, maxConcurrentCalls, calls, streamWindow);
    }

    /** These limits with another stream window. */
    public CallLimits withStreamWindow(int window) {
        return new CallLimits(maxMessageBytes, maxConcurrentCalls, maxCallsPerConnection, window);
    }
}
