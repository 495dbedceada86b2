package dev.tessera.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.runtime.onnx.TokenizerOptions;
import dev.tessera.runtime.server.CallLimits;
import dev.tessera.runtime.server.KeepaliveConfig;
import dev.tessera.runtime.server.ServerConfig;
import dev.tessera.runtime.server.batching.BatchPolicy;
import dev.tessera.runtime.server.security.TlsConfig;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The serving options of {@code tessera serve}: defaults, every option, and refusals. */
class ServeOptionsTest {

    private static ServeSettings parse(String... args) {
        return ParsedServe.parse(List.of(args));
    }

    /** The one-line error of {@code tessera serve ARGS}, without its "error: ". */
    private static String refusal(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> line = new ArrayList<>(List.of("serve"));
        line.addAll(List.of(args));
        PrintStream print = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(2, new RuntimeCli(print, print).run(line.toArray(String[]::new)));
        return err.toString(StandardCharsets.UTF_8)
                .lines()
                .findFirst()
                .orElseThrow()
                .substring("error: ".length());
    }

    private static String serveUsage() {
        return new RuntimeCli(System.out, System.err)
                .commandLine()
                .getSubcommands()
                .get("serve")
                .getUsageMessage();
    }

    @Test
    void defaultsAreSaneForOneHost() {
        ServeSettings a = parse("--models", "repo");
        assertEquals(List.of(), a.models());
        assertEquals(Optional.of(Path.of("repo")), a.repository());
        assertEquals(Duration.ofSeconds(2), a.pollInterval());
        assertEquals(0, a.metricsPort());
        ServerConfig s = a.server();
        assertEquals("127.0.0.1", s.host());
        assertEquals(50051, s.port());
        assertEquals(new BatchPolicy(256, Duration.ofMillis(2), 1024), s.batching());
        assertEquals(new CallLimits(64 << 20, 1024, 256, 32), s.limits());
        assertTrue(s.maxMessageBytes() > 4 << 20, "above gRPC's 4 MiB default");
        assertEquals(KeepaliveConfig.defaults(), s.keepalive());
        assertEquals(Duration.ofSeconds(20), s.drainTimeout());
        assertEquals(Optional.empty(), s.tls());
        assertEquals(Optional.empty(), s.authTokenFile());
    }

    @Test
    void theEngineDefaultsToOneThreadPerRunAndOneInstancePerCore() {
        int cores = Runtime.getRuntime().availableProcessors();
        TokenizerOptions cpu = parse("--model", "a").tokenizer();
        assertEquals(1, cpu.intraOpThreads());
        assertEquals(cores, cpu.instances());
        assertFalse(cpu.spinWait());
        TokenizerOptions two = parse("--model", "a", "--intra-op-threads", "2").tokenizer();
        assertEquals(Math.max(1, cores / 2), two.instances());
        TokenizerOptions set =
                parse("--model", "a", "--threads", "4", "--instances", "3").tokenizer();
        assertEquals(4, set.intraOpThreads());
        assertEquals(3, set.instances());
        TokenizerOptions cuda = parse("--model", "a", "--cuda").tokenizer();
        assertEquals(0, cuda.intraOpThreads());
        assertEquals(1, cuda.instances());
        assertEquals(1, ServeSettings.engine(false, 0, null, 16).instances());
        assertEquals(4, ServeSettings.engine(false, 4, null, 16).instances());
        assertEquals(
                "serve: --instances expects an integer in 1..4096, got \"0\"",
                refusal("--model", "a", "--instances", "0"));
    }

    @Test
    void parsesEveryServingOption() {
        ServeSettings a =
                parse(
                        "--model",
                        "a",
                        "--models=repo",
                        "--poll-interval-ms",
                        "250",
                        "--max-batch",
                        "64",
                        "--max-delay-ms",
                        "5",
                        "--queue-size",
                        "512",
                        "--max-message-bytes",
                        "1048576",
                        "--max-concurrent-calls",
                        "100",
                        "--max-calls-per-connection",
                        "0",
                        "--keepalive-time-s",
                        "30",
                        "--keepalive-timeout-s",
                        "5",
                        "--permit-keepalive-time-s",
                        "15",
                        "--drain-timeout-s",
                        "7",
                        "--metrics-port",
                        "9464",
                        "--tls-cert",
                        "s.pem",
                        "--tls-key",
                        "s.key",
                        "--tls-client-ca",
                        "ca.pem",
                        "--auth-token-file",
                        "tokens");
        assertEquals(List.of(Path.of("a")), a.models());
        assertEquals(Duration.ofMillis(250), a.pollInterval());
        assertEquals(9464, a.metricsPort());
        ServerConfig s = a.server();
        assertEquals(new BatchPolicy(64, Duration.ofMillis(5), 512), s.batching());
        assertEquals(64, s.maxBatch());
        assertEquals(new CallLimits(1 << 20, 100, 0, 32), s.limits());
        assertEquals(
                new KeepaliveConfig(
                        Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(15)),
                s.keepalive());
        assertEquals(Duration.ofSeconds(7), s.drainTimeout());
        assertEquals(
                Optional.of(
                        new TlsConfig(
                                Path.of("s.pem"),
                                Path.of("s.key"),
                                Optional.of(Path.of("ca.pem")))),
                s.tls());
        assertTrue(s.tls().get().mutual());
        assertEquals(Optional.of(Path.of("tokens")), s.authTokenFile());
    }

    @Test
    void aLargeBatchGetsAQueueThatHoldsIt() {
        assertEquals(
                4096,
                parse("--model", "a", "--max-batch", "4096").server().batching().queueCapacity());
        assertEquals(
                1024,
                parse("--model", "a", "--max-batch", "8").server().batching().queueCapacity());
    }

    @Test
    void inconsistentOptionsAreRefusedWithOneSentence() {
        assertEquals(
                "serve: expected at least one --model DIR (a tokenizer directory) or --models DIR"
                        + " (a model repository of <name>/<version>/ directories)",
                refusal("--port", "0"));
        assertEquals(
                "serve: --models is given twice; a server serves one repository",
                refusal("--models", "a", "--models", "b"));
        assertEquals(
                "serve: --queue-size 16 is below --max-batch 64; the queue must hold at least one"
                        + " full batch",
                refusal("--model", "a", "--max-batch", "64", "--queue-size", "16"));
        assertEquals(
                "serve: --tls-cert and --tls-key go together (the certificate chain and its private"
                        + " key)",
                refusal("--model", "a", "--tls-key", "k"));
        assertEquals(
                "serve: --tls-client-ca needs --tls-cert and --tls-key: mutual TLS is TLS plus"
                        + " client certificates",
                refusal("--model", "a", "--tls-client-ca", "ca.pem"));
        assertEquals(
                "serve: --max-message-bytes expects an integer in 1024..2147483647, got \"1k\"",
                refusal("--model", "a", "--max-message-bytes", "1k"));
        assertEquals(
                "serve: --keepalive-time-s expects an integer in 1..86400, got \"0\"",
                refusal("--model", "a", "--keepalive-time-s", "0"));
        assertEquals("serve: --models expects a value", refusal("--models"));
        assertFalse(refusal("--model", "a", "--max-delay-ms", "-1").isEmpty());
    }

    @Test
    void usageListsEveryServeOption() {
        for (String option :
                List.of(
                        "--model DIR",
                        "--models DIR",
                        "--poll-interval-ms",
                        "--max-batch",
                        "--max-delay-ms",
                        "--queue-size",
                        "--max-message-bytes",
                        "--max-concurrent-calls",
                        "--max-calls-per-connection",
                        "--keepalive-time-s",
                        "--keepalive-timeout-s",
                        "--permit-keepalive-time-s",
                        "--drain-timeout-s",
                        "--metrics-port",
                        "--tls-cert",
                        "--tls-key",
                        "--tls-client-ca",
                        "--auth-token-file")) {
            assertTrue(serveUsage().contains("  " + option), option);
        }
    }
}
