package dev.tessera.runtime.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

class PrometheusEndpointTest {

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HttpClient.newHttpClient()
                .send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheRegistryAtMetricsAndNothingElse() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        Counter.builder()
                .name("hits_total")
                .help("Hits.")
                .labelNames("path")
                .register(registry)
                .labelValues("/a")
                .inc();
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start("127.0.0.1", 0, registry)) {
            URI metrics = URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics");

            HttpResponse<String> text = send(HttpRequest.newBuilder(metrics));
            assertEquals(200, text.statusCode());
            assertEquals(
                    "text/plain; version=0.0.4; charset=utf-8",
                    text.headers().firstValue("Content-Type").orElse(""));
            assertEquals(
                    "# HELP hits_total Hits.\n"
                            + "# TYPE hits_total counter\n"
                            + "hits_total{path=\"/a\"} 1.0\n",
                    text.body());

            // A scraper that asks for OpenMetrics gets it; the sample keeps its _total name.
            HttpResponse<String> open =
                    send(
                            HttpRequest.newBuilder(metrics)
                                    .header(
                                            "Accept",
                                            "application/openmetrics-text; version=1.0.0"));
            assertTrue(
                    open.headers()
                            .firstValue("Content-Type")
                            .orElse("")
                            .startsWith("application/openmetrics-text"),
                    open.headers().toString());
            assertTrue(open.body().contains("# TYPE hits counter\n"), open.body());
            assertTrue(open.body().contains("\nhits_total{path=\"/a\"} 1.0\n"), open.body());
            assertTrue(open.body().endsWith("# EOF\n"), open.body());

            assertEquals(
                    404,
                    send(HttpRequest.newBuilder(metrics.resolve("/other"))).statusCode());
            assertEquals(
                    404,
                    send(HttpRequest.newBuilder(metrics.resolve("/metrics/x"))).statusCode());
            HttpResponse<String> post =
                    send(
                            HttpRequest.newBuilder(metrics)
                                    .POST(HttpRequest.BodyPublishers.ofString("x")));
            assertEquals(405, post.statusCode());
            assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
            HttpResponse<String> head =
                    send(
                            HttpRequest.newBuilder(metrics)
                                    .method("HEAD", HttpRequest.BodyPublishers.noBody()));
            assertEquals(200, head.statusCode());
            assertEquals("", head.body());
        }
    }
}
