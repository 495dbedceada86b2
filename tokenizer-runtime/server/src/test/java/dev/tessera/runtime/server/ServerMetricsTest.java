package dev.tessera.runtime.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.api.v1.ModelRef;
import dev.tessera.api.v1.TokenizerServiceGrpc;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.testing.ToyImages;
import dev.tessera.runtime.testing.ToyTokenizer;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Prometheus text of a server that has answered calls: names, labels, types and buckets. */
class ServerMetricsTest {

    @TempDir Path temp;

    @Test
    void aServedRequestShowsUpUnderTheDocumentedNamesLabelsAndBuckets() throws Exception {
        String text;
        try (ModelRegistry registry = new ModelRegistry()) {
            registry.register(Tokenizer.open(ToyTokenizer.gray("toy", "1").writeTo(temp)));
            ServerMetrics metrics = new ServerMetrics(new PrometheusRegistry(), registry);
            String name = "metrics-" + UUID.randomUUID();
            try (TokenizerServer server =
                    TokenizerServer.listenInProcess(
                            registry, name, ServerConfig.defaults(), metrics)) {
                server.markServing();
                metrics.modelLoad(false);
                ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
                try {
                    var stub =
                            TokenizerServiceGrpc.newBlockingStub(channel)
                                    .withDeadlineAfter(20, TimeUnit.SECONDS);
                    ModelRef toy = TestRequests.model("toy", "1");
                    assertArrayEquals(
                            ToyImages.QUADRANT_TOKENS,
                            TestRequests.ids(
                                    stub.encode(
                                            TestRequests.encode(toy, ToyImages.quadrants(), 1))));
                    StatusRuntimeException e =
                            assertThrows(
                                    StatusRuntimeException.class,
                                    () ->
                                            stub.encode(
                                                    TestRequests.encode(
                                                            TestRequests.model("nope", ""),
                                                            ToyImages.quadrants(),
                                                            1)));
                    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
                } finally {
                    channel.shutdownNow();
                }
            }
            text = metrics.scrape();
        }

        // Every family but tessera_dropped_requests_total, which has no series before a drop
        // (ServerLifecycleTest has one) and so is left out of the text.
        assertEquals(
                List.of(
                        "tessera_batch_duration_seconds histogram",
                        "tessera_batch_size histogram",
                        "tessera_calls_in_flight gauge",
                        "tessera_images_total counter",
                        "tessera_model_loads_total counter",
                        "tessera_models_loaded gauge",
                        "tessera_queue_depth gauge",
                        "tessera_request_duration_seconds histogram",
                        "tessera_request_errors_total counter",
                        "tessera_requests_total counter",
                        "tessera_tokens_total counter"),
                types(text));
        String encode = "{model=\"toy\",op=\"encode\",version=\"1\"";
        String[] expected = {
            "# HELP tessera_requests_total Finished calls by method, model, version and status"
                    + " code.",
            "tessera_requests_total{code=\"OK\",method=\"tessera.v1.TokenizerService/Encode\","
                    + "model=\"toy\",version=\"1\"} 1.0",
            // An unknown model is counted under model="", so callers cannot add label values.
            "tessera_requests_total{code=\"NOT_FOUND\","
                    + "method=\"tessera.v1.TokenizerService/Encode\",model=\"\",version=\"\"} 1.0",
            "tessera_request_errors_total{code=\"NOT_FOUND\","
                    + "method=\"tessera.v1.TokenizerService/Encode\",model=\"\",version=\"\"} 1.0",
            "tessera_images_total" + encode + "} 1.0",
            "tessera_tokens_total" + encode + "} 4.0",
            "tessera_model_loads_total{result=\"refused\"} 1.0",
            "tessera_models_loaded 1.0",
            "tessera_queue_depth" + encode + "} 0.0",
            "tessera_queue_depth{model=\"toy\",op=\"decode\",version=\"1\"} 0.0",
            // One run of one image: 1 falls in every bucket from le="1.0" up.
            "# TYPE tessera_batch_size histogram\n"
                    + "tessera_batch_size_bucket" + encode + ",le=\"1.0\"} 1\n"
                    + "tessera_batch_size_bucket" + encode + ",le=\"2.0\"} 1\n"
                    + "tessera_batch_size_bucket" + encode + ",le=\"4.0\"} 1\n"
                    + "tessera_batch_size_bucket" + encode + ",le=\"8.0\"} 1\n"
                    + "tessera_batch_size_bucket" + encode + ",le=\"16.0\"} 1\n"
                    + "tessera_batch_size_bucket" + encode + ",le=\"32.0\"} 1\n"
                    + "tessera_batch_size_bucket" + encode + ",le=\"64.0\"} 1\n"
                    + "tessera_batch_size_bucket" + encode + ",le=\"128.0\"} 1\n"
                    + "tessera_batch_size_bucket" + encode + ",le=\"256.0\"} 1\n"
                    + "tessera_batch_size_bucket" + encode + ",le=\"512.0\"} 1\n"
                    + "tessera_batch_size_bucket" + encode + ",le=\"1024.0\"} 1\n"
                    + "tessera_batch_size_bucket" + encode + ",le=\"2048.0\"} 1\n"
                    + "tessera_batch_size_bucket" + encode + ",le=\"4096.0\"} 1\n"
                    + "tessera_batch_size_bucket" + encode + ",le=\"+Inf\"} 1\n"
                    + "tessera_batch_size_count" + encode + "} 1\n"
                    + "tessera_batch_size_sum" + encode + "} 1.0\n",
        };
        for (String part : expected) {
            assertTrue(text.contains(part), part + "\nnot in:\n" + text);
        }
        // Latency buckets from 0.5 ms to 10 s; where the call fell depends on the machine.
        String latency =
                "tessera_request_duration_seconds_bucket{"
                        + "method=\"tessera.v1.TokenizerService/Encode\",model=\"toy\",le=\"";
        for (String le :
                List.of(
                        "5.0E-4", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
                        "0.25", "0.5", "1.0", "2.5", "5.0", "10.0")) {
            assertTrue(text.contains(latency + le + "\"} "), le + " not in:\n" + text);
        }
        assertTrue(text.contains(latency + "+Inf\"} 1\n"), text);
    }

    /** {@code name type} of every {@code # TYPE} line of a tessera_ family, sorted. */
    private static List<String> types(String text) {
        Matcher m = Pattern.compile("(?m)^# TYPE (tessera_\\S+) (\\S+)$").matcher(text);
        List<String> types = new ArrayList<>();
        while (m.find()) {
            types.add(m.group(1) + " " + m.group(2));
        }
        types.sort(null);
        return types;
    }
}
