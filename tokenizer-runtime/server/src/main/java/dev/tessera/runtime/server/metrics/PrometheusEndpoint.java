package dev.tessera.runtime.server.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves a {@link MetricsRegistry} over HTTP at {@code GET /metrics} for Prometheus to scrape,
 * using the JDK's built-in HTTP server so the runtime needs no web framework. Owns its HTTP server
 * and thread: {@link #close()} stops both.
 */
public final class PrometheusEndpoint implements AutoCloseable {

    /** The path Prometheus scrapes. */
    public static final String PATH = "/metrics";

    private final HttpServer server;
    private final ExecutorService executor;

    private PrometheusEndpoint(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts serving on {@code host:port} (port 0 picks a free one).
     *
     * @throws IOException if the address cannot be bound
     */
    public static PrometheusEndpoint start(String host, int port, MetricsRegistry metrics)
            throws IOException {
        Objects.requireNonNull(metrics, "metrics");
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        // One thread is plenty for a scraper every few seconds, and it is a daemon so that a
        // forgotten endpoint cannot keep the JVM alive.
        ExecutorService executor =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, "tessera-metrics-http");
                            t.setDaemon(true);
                            return t;
                        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> handle(exchange, metrics));
        server.start();
        return new PrometheusEndpoint(server, executor);
    }

    private static void handle(HttpExchange exchange, MetricsRegistry metrics) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!exchange.getRequestURI().getPath().equals(PATH)) {
                reply(exchange, 404, "not found; metrics are at " + PATH + "\n", "text/plain");
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                reply(exchange, 405, method + " is not allowed; use GET\n", "text/plain");
            } else {
                reply(exchange, 200, metrics.scrape(), MetricsRegistry.CONTENT_TYPE);
            }
        }
    }

    private static void reply(HttpExchange exchange, int code, String body, String type)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(code, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** The bound TCP port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops the HTTP server at once; a scrape in progress is cut off. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
