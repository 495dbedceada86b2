package dev.tessera.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;

import dev.tessera.api.v1.DType;
import dev.tessera.api.v1.EncodeRequest;
import dev.tessera.api.v1.ModelRef;
import dev.tessera.api.v1.RawTensor;
import dev.tessera.api.v1.TokenizerServiceGrpc;
import dev.tessera.runtime.testing.ToyImages;
import dev.tessera.runtime.testing.ToyTokenizer;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

class RuntimeCliTest {

    @TempDir Path temp;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new RuntimeCli(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpPrintsUsage() {
        assertEquals(0, run("--help"));
        assertTrue(out().startsWith("usage: tessera serve --model DIR"), out());
        assertEquals(0, run("serve", "--help"));
    }

    @Test
    void noArgumentsIsAUsageError() {
        assertEquals(2, run());
        assertTrue(err().startsWith("usage:"), err());
    }

    @Test
    void usageErrorsExitWith2AndOneSentence() {
        assertEquals(2, run("train"));
        assertTrue(
                err().startsWith("error: unknown command \"train\"; the runtime has: serve"),
                err());
        err.reset();
        assertEquals(2, run("serve"));
        assertTrue(err().startsWith("error: serve: expected at least one --model DIR"), err());
        err.reset();
        assertEquals(2, run("serve", "--model", "x", "--port", "http"));
        assertTrue(
                err().startsWith(
                                "error: serve: --port expects an integer in 0..65535, got"
                                        + " \"http\""),
                err());
        err.reset();
        assertEquals(2, run("serve", "--model"));
        assertTrue(err().startsWith("error: serve: --model expects a value"), err());
        err.reset();
        assertEquals(2, run("serve", "--model", "x", "--colour", "red"));
        assertTrue(err().startsWith("error: serve: unknown option \"--colour\""), err());
        err.reset();
        assertEquals(2, run("serve", "--model", "x", "--cuda=yes"));
        assertTrue(err().startsWith("error: serve: --cuda takes no value"), err());
        err.reset();
        assertEquals(2, run("serve", "--model", "--port", "1"));
        assertTrue(err().startsWith("error: serve: --model expects a value"), err());
    }

    @Test
    void parsesEveryOption() {
        ServeSettings args =
                ParsedServe.parse(
                        List.of(
                                "--model",
                                "a",
                                "--model=b",
                                "--host",
                                "0.0.0.0",
                                "--port=0",
                                "--max-batch",
                                "8",
                                "--threads",
                                "2",
                                "--cuda",
                                "--verbose"));
        assertEquals(List.of(Path.of("a"), Path.of("b")), args.models());
        assertEquals("0.0.0.0", args.server().host());
        assertEquals(0, args.server().port());
        assertEquals(8, args.server().maxBatch());
        assertEquals(2, args.tokenizer().intraOpThreads());
        assertTrue(args.tokenizer().useCuda());
        assertTrue(args.verbose());
        ServeSettings defaults = ParsedServe.parse(List.of("--model", "a"));
        assertEquals("127.0.0.1", defaults.server().host());
        assertEquals(50051, defaults.server().port());
        assertFalse(defaults.tokenizer().useCuda());
    }

    @Test
    void missingModelDirectoryIsAFailureWithoutStackTrace() {
        Path missing = temp.resolve("nothing-here");
        assertEquals(1, run("serve", "--model", missing.toString(), "--port", "0"));
        assertEquals(
                "error: cannot load tokenizer directory "
                        + missing
                        + ": tessera.json: not "
                        + "found in "
                        + missing
                        + " (nor tokenizer.json, its name before); is this a tokenizer directory?"
                        + System.lineSeparator(),
                err());
    }

    @Test
    void verboseAddsTheStackTrace() {
        assertEquals(1, run("serve", "--model", temp.resolve("none").toString(), "--verbose"));
        assertTrue(err().contains("\tat dev.tessera.runtime."), err());
    }

    @Test
    void portInUseIsAFailureNamingTheAddress() throws Exception {
        Path dir = ToyTokenizer.gray("toy", "1").writeTo(temp);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertEquals(
                    1, run("serve", "--model", dir.toString(), "--port", Integer.toString(port)));
            assertTrue(err().startsWith("error: cannot listen on 127.0.0.1:" + port + " ("), err());
            assertTrue(err().contains("choose another --port or --host"), err());
        }
    }

    @Test
    void serveReportsModelsAndAddressAndAnswers() throws Exception {
        Path gray = ToyTokenizer.gray("toy", "1").writeTo(temp);
        Path rgb = ToyTokenizer.rgb("toy-rgb", "2").writeTo(temp);
        ServeSettings args =
                ParsedServe.parse(
                        List.of(
                                "--model",
                                gray.toString(),
                                "--model",
                                rgb.toString(),
                                "--port",
                                "0"));
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        try (ServeCommand serve = ServeCommand.start(args, print)) {
            int port = serve.server().port();
            String nl = System.lineSeparator();
            assertEquals(
                    "model toy 1: gmvq, K=16, grid 2x2, input 1x8x8, CPU ("
                            + gray
                            + ")"
                            + nl
                            + "model toy-rgb 2: gmvq, K=16, grid 2x2, input 3x8x8, CPU ("
                            + rgb
                            + ")"
                            + nl
                            + "engine: "
                            + Runtime.getRuntime().availableProcessors()
                            + " runs in flight per model and direction, 1 intra-op thread each;"
                            + " batches of up to 256, --max-delay-ms 2"
                            + nl
                            + "listening on 127.0.0.1:"
                            + port
                            + nl,
                    out());
            ManagedChannel channel =
                    NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            try {
                var response =
                        TokenizerServiceGrpc.newBlockingStub(channel)
                                .encode(
                                        EncodeRequest.newBuilder()
                                                .setModel(ModelRef.newBuilder().setName("toy"))
                                                .setPixels(
                                                        RawTensor.newBuilder()
                                                                .setDtype(DType.DTYPE_UINT8)
                                                                .addShape(1)
                                                                .addShape(1)
                                                                .addShape(8)
                                                                .addShape(8)
                                                                .setData(
                                                                        ByteString.copyFrom(
                                                                                ToyImages
                                                                                        .quadrants())))
                                                .build());
                assertArrayEquals(
                        ToyImages.QUADRANT_TOKENS,
                        response.getTokens().getIdsList().stream()
                                .mapToInt(Integer::intValue)
                                .toArray());
            } finally {
                channel.shutdownNow();
            }
        }
    }
}
