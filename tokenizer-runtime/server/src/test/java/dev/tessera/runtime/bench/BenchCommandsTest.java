package dev.tessera.runtime.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.runtime.cli.RuntimeCli;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.onnx.TokenizerOptions;
import dev.tessera.runtime.server.ModelRegistry;
import dev.tessera.runtime.server.ServerConfig;
import dev.tessera.runtime.server.ServerMetrics;
import dev.tessera.runtime.server.TokenizerServer;
import dev.tessera.runtime.server.metrics.PrometheusEndpoint;
import dev.tessera.runtime.testing.ToyTokenizer;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench-serve} against a real server on localhost and {@code bench-library}, each with short
 * windows: every row is measured and the numbers agree with what the server counted.
 */
class BenchCommandsTest {

    @TempDir Path temp;

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        int status = new RuntimeCli(print, print).run(args);
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, text);
        return text;
    }

    /** The cells of the Markdown row that starts with {@code first}. */
    private static List<String> row(String text, String first) {
        Matcher m =
                Pattern.compile("(?m)^\\| " + Pattern.quote(first) + " +\\|(.*)\\|$").matcher(text);
        assertTrue(m.find(), "no row " + first + " in:\n" + text);
        return List.of(m.group(1).trim().split(" *\\| *"));
    }

    @Test
    void benchServeLoadsAServerAndComparesWithTheLibrary() throws Exception {
        Path dir = ToyTokenizer.gray("toy", "1").writeTo(temp);
        try (ModelRegistry registry = new ModelRegistry()) {
            registry.register(Tokenizer.open(dir, TokenizerOptions.defaults().withInstances(2)));
            // As tessera serve does: the server's metrics and the JVM's (process CPU among them).
            PrometheusRegistry prometheus = new PrometheusRegistry();
            JvmMetrics.builder().register(prometheus);
            ServerMetrics serverMetrics = new ServerMetrics(prometheus, registry);
            try (TokenizerServer server =
                            TokenizerServer.listen(
                                    registry, ServerConfig.defaults().withPort(0), serverMetrics);
                    PrometheusEndpoint metrics =
                            PrometheusEndpoint.start("127.0.0.1", 0, prometheus)) {
                server.markServing();
                String text =
                        run(
                                "bench-serve",
                                "--target",
                                "127.0.0.1:" + server.port(),
                                "--metrics",
                                "http://127.0.0.1:" + metrics.port() + PrometheusEndpoint.PATH,
                                "--callers",
                                "1,3",
                                "--images-per-call",
                                "2",
                                "--warmup-s",
                                "0.1",
                                "--measure-s",
                                "0.3",
                                "--repeats",
                                "1",
                                "--library-model",
                                dir.toString(),
                                "--threads",
                                "1",
                                "--batches",
                                "1,4");
                assertTrue(
                        text.startsWith(
                                "target 127.0.0.1:"
                                        + server.port()
                                        + ", model toy:1 (1x8x8, grid 2x2, K=16), encode, 2 images"
                                        + " per call, 3 connections"),
                        text);
                List<String> one = row(text, "1");
                List<String> three = row(text, "3");
                assertTrue(Double.parseDouble(one.get(0).split(" ")[0]) > 0, text);
                assertTrue(Double.parseDouble(three.get(0).split(" ")[0]) > 0, text);
                // Every call carries 2 images, so no run on the server has fewer.
                assertTrue(Double.parseDouble(three.get(3)) >= 2, text);
                assertTrue(Double.parseDouble(three.get(4)) > 0, "server CPU: " + text);
                assertTrue(Double.parseDouble(three.get(5)) > 0, "generator CPU: " + text);
                assertTrue(three.get(6).matches("\\d+\\.\\d\\d"), "share: " + text);
                assertEquals(8, row(text, "encode").size(), text);
                assertTrue(text.contains("library best encode: "), text);
                assertTrue(text.contains("target 1 caller p99 ≤ --max-delay-ms 2 + 2 ×"), text);
            }
        }
    }

    @Test
    void benchServeComparesServersRoundByRound() throws Exception {
        Path dir = ToyTokenizer.gray("toy", "1").writeTo(temp);
        try (ModelRegistry one = new ModelRegistry();
                ModelRegistry two = new ModelRegistry()) {
            one.register(Tokenizer.open(dir));
            two.register(Tokenizer.open(dir, TokenizerOptions.defaults().withInstances(2)));
            try (TokenizerServer a =
                            TokenizerServer.start(one, ServerConfig.defaults().withPort(0));
                    TokenizerServer b =
                            TokenizerServer.start(two, ServerConfig.defaults().withPort(0))) {
                String first = "127.0.0.1:" + a.port();
                String second = "127.0.0.1:" + b.port();
                String text =
                        run(
                                "bench-serve",
                                "--target",
                                first + "," + second,
                                "--callers",
                                "2",
                                "--rounds",
                                "2",
                                "--warmup-s",
                                "0.1",
                                "--measure-s",
                                "0.2",
                                "--repeats",
                                "1");
                assertTrue(text.contains("server " + first + ":"), text);
                assertTrue(text.contains("server " + second + ":"), text);
                // A row in each server's table, and the comparison: the median of the two rounds'
                // ratios with their range.
                assertEquals(3, text.lines().filter(l -> l.startsWith("| 2 ")).count(), text);
                assertTrue(text.contains("| callers | " + second + " ÷ " + first + " |"), text);
                assertTrue(
                        text.lines()
                                .anyMatch(
                                        l ->
                                                l.matches(
                                                        "\\| 2 +\\| +\\d+\\.\\d\\d"
                                                            + " \\[\\d+\\.\\d\\d\\.\\.\\d+\\.\\d\\d\\]"
                                                            + " \\|")),
                        text);
            }
        }
    }

    @Test
    void benchLibrarySweepsThreadsAndInstances() throws Exception {
        Path dir = ToyTokenizer.gray("toy", "1").writeTo(temp);
        String text =
                run(
                        "bench-library",
                        "--model",
                        dir.toString(),
                        "--batches",
                        "2",
                        "--threads",
                        "1,2",
                        "--spin",
                        "both",
                        "--instances",
                        "2",
                        "--warmup-s",
                        "0",
                        "--measure-s",
                        "0.1",
                        "--repeats",
                        "2");
        // Threads 1, 2 and 2 without spinning, with 2 instances, for encode and decode.
        assertEquals(6, text.lines().filter(l -> l.matches("^\\| (en|de)code .*")).count(), text);
        assertTrue(text.contains("| encode    | 2, no spin |         2 |     2 |"), text);
        assertTrue(text.contains("best decode: "), text);
    }

    @Test
    void metricsAreReadWhateverTheLabelOrder() {
        MetricsScrape scrape =
                MetricsScrape.parse(
                        "# HELP x y\n"
                            + "tessera_batch_size_sum{model=\"a\",version=\"1\",op=\"encode\"} 30\n"
                            + "tessera_batch_size_sum{op=\"encode\",version=\"2\",model=\"a\"}"
                            + " 12.5\n"
                            + "tessera_batch_size_sum{model=\"a\",version=\"1\",op=\"decode\"} 7\n"
                            + "process_cpu_seconds_total 4.25\n");
        assertEquals(
                42.5, scrape.sum("tessera_batch_size_sum", Map.of("model", "a", "op", "encode")));
        assertEquals(4.25, scrape.sum("process_cpu_seconds_total", Map.of()));
        assertTrue(Double.isNaN(scrape.sum("tessera_batch_size_sum", Map.of("model", "b"))));
    }
}
