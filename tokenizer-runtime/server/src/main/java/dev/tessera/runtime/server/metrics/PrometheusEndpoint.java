package dev.tessera.runtime.server.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves a {@link PrometheusRegistry} over HTTP at {@code GET /metrics} for Prometheus to scrape.
 * The Prometheus Java client's {@link MetricsHandler} writes the answer (the text format, or
 * OpenMetrics when the scraper asks for it; gzip and {@code ?name[]=} filters); the JDK's built-in
 * HTTP server carries it, so the server needs no web framework. Any other path is {@code 404} and
 * any method but {@code GET} and {@code HEAD} is {@code 405}. Owns its HTTP server and thread:
 * {@link #close()} stops both.
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
    public static PrometheusEndpoint start(String host, int port, PrometheusRegistry metrics)
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
        server.createContext("/", new Guard(new MetricsHandler(metrics)));
        server.start();
        return new PrometheusEndpoint(server, executor);
    }

    /** Lets only {@code GET} and {@code HEAD} of exactly {@link #PATH} through. */
    private record Guard(HttpHandler metrics) implements HttpHandler {
        @Override
        public void handle(HttpExchange exchange) throws IOException {
            String method = exchange.getRequestMethod();
            if (!exchange.getRequestURI().getPath().equals(PATH)) {
                refuse(exchange, 404, "not found; metrics are at " + PATH + "\n");
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                refuse(exchange, 405, method + " is not allowed; use GET\n");
            } else {
                metrics.handle(exchange);
            }
        }

        private static void refuse(HttpExchange exchange, int code, String body)
                throws IOException {
            try (exchange) {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain");
                boolean head = exchange.getRequestMethod().equals("HEAD");
                exchange.sendResponseHeaders(code, head ? -1 : bytes.length);
                if (!head) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(bytes);
                    }
                }
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
