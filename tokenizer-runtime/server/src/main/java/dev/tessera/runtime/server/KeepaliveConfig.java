package dev.tessera.runtime.server;

import java.time.Duration;
import java.util.Objects;

/**
 * HTTP/2 keepalive of the gRPC port: the server pings a connection idle for {@code time} and drops
 * it if no answer comes within {@code timeout}, so that dead peers behind NATs and load balancers
 * release their resources; clients may ping no more often than every {@code permitTime}, else the
 * server closes the connection (gRPC's protection against ping floods).
 *
 * @param time idle time before the server pings
 * @param timeout how long the server waits for the ping's answer
 * @param permitTime shortest interval at which clients may ping
 */
public record KeepaliveConfig(Duration time, Duration timeout, Duration permitTime) {

    /** Validates that every duration is positive. */
    public KeepaliveConfig {
        requirePositive("time", time);
        requirePositive("timeout", timeout);
        requirePositive("permitTime", permitTime);
    }

    private static void requirePositive(String field, Duration d) {
        Objects.requireNonNull(d, field);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(field + ": expected > 0, got " + d);
        }
    }

    /** Ping after 60 s idle, wait 20 s for the answer, let clients ping every 10 s. */
    public static KeepaliveConfig defaults() {
        return new KeepaliveConfig(
                Duration.ofSeconds(60), Duration.ofSeconds(20), Duration.ofSeconds(10));
    }
}
