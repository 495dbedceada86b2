package dev.tessera.runtime.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

class MetricsRegistryTest {

    @Test
    void countersGaugesAndHistogramsRenderInTheTextFormat() {
        MetricsRegistry registry = new MetricsRegistry();
        Counter calls = registry.counter("calls_total", "Calls.", "method", "code");
        calls.inc("Encode", "OK");
        calls.inc("Encode", "OK");
        calls.add(0.5, "Decode", "NOT_FOUND");
        registry.gauge(
                "depth", "Queue depth.", List.of("model"), () -> Map.of(List.of("toy"), 3.0));
        Histogram sizes =
                registry.histogram("batch", "Batch sizes.", new double[] {1, 4, 16}, "op");
        for (double v : new double[] {1, 2, 4, 5, 100}) {
            sizes.observe(v, "encode");
        }
        assertEquals(
                String.join(
                        "\n",
                        "# HELP calls_total Calls.",
                        "# TYPE calls_total counter",
                        "calls_total{method=\"Decode\",code=\"NOT_FOUND\"} 0.5",
                        "calls_total{method=\"Encode\",code=\"OK\"} 2",
                        "# HELP depth Queue depth.",
                        "# TYPE depth gauge",
                        "depth{model=\"toy\"} 3",
                        "# HELP batch Batch sizes.",
                        "# TYPE batch histogram",
                        "batch_bucket{op=\"encode\",le=\"1\"} 1",
                        "batch_bucket{op=\"encode\",le=\"4\"} 3",
                        "batch_bucket{op=\"encode\",le=\"16\"} 4",
                        "batch_bucket{op=\"encode\",le=\"+Inf\"} 5",
                        "batch_sum{op=\"encode\"} 112",
                        "batch_count{op=\"encode\"} 5",
                        ""),
                registry.scrape());
        assertEquals(2, calls.value("Encode", "OK"));
        assertEquals(5, sizes.count("encode"));
        assertEquals(112, sizes.sum("encode"));
    }

    @Test
    void labelValuesAreEscapedAndUnlabelledSeriesHaveNoBraces() {
        MetricsRegistry registry = new MetricsRegistry();
        registry.counter("odd_total", "Help with \\ and\nnewline.", "v").inc("a\"b\\c\nd");
        registry.gauge("up", "Up.", List.of(), () -> Map.of(List.of(), 1.0));
        assertEquals(
                "# HELP odd_total Help with \\\\ and\\nnewline.\n"
                        + "# TYPE odd_total counter\n"
                        + "odd_total{v=\"a\\\"b\\\\c\\nd\"} 1\n"
                        + "# HELP up Up.\n# TYPE up gauge\nup 1\n",
                registry.scrape());
    }

    @Test
    void misuseIsRefused() {
        MetricsRegistry registry = new MetricsRegistry();
        Counter c = registry.counter("a_total", "A.", "x");
        assertThrows(IllegalArgumentException.class, () -> c.inc());
        assertThrows(IllegalArgumentException.class, () -> c.add(-1, "x"));
        assertThrows(IllegalArgumentException.class, () -> registry.counter("a_total", "again"));
        assertThrows(IllegalArgumentException.class, () -> registry.counter("bad-name", "B."));
        assertThrows(IllegalArgumentException.class, () -> registry.counter("b", "B.", "le"));
        assertThrows(
                IllegalArgumentException.class,
                () -> registry.histogram("h", "H.", new double[] {2, 1}));
        assertEquals(List.of(1.0, 2.0, 4.0, 8.0), boxed(Histogram.powersOfTwo(8)));
        assertEquals(List.of(1.0, 2.0, 4.0, 8.0), boxed(Histogram.powersOfTwo(15)));
    }

    private static List<Double> boxed(double[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }

    @Test
    void theEndpointServesMetricsOverHttp() throws Exception {
        MetricsRegistry registry = new MetricsRegistry();
        registry.counter("hits_total", "Hits.").inc();
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start("127.0.0.1", 0, registry)) {
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + endpoint.port();
            HttpResponse<String> ok =
                    client.send(
                            HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());
            assertEquals(
                    MetricsRegistry.CONTENT_TYPE, ok.headers().firstValue("Content-Type").get());
            assertTrue(ok.body().contains("\nhits_total 1\n"), ok.body());
            HttpResponse<String> missing =
                    client.send(
                            HttpRequest.newBuilder(URI.create(base + "/other")).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
            HttpResponse<String> post =
                    client.send(
                            HttpRequest.newBuilder(URI.create(base + "/metrics"))
                                    .POST(HttpRequest.BodyPublishers.ofString("x"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
        }
    }
}
