package dev.tessera.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;

import dev.tessera.api.v1.DType;
import dev.tessera.api.v1.EncodeRequest;
import dev.tessera.api.v1.EncodeResponse;
import dev.tessera.api.v1.RawTensor;
import dev.tessera.api.v1.TokenizerServiceGrpc;
import dev.tessera.runtime.testing.ToyImages;
import dev.tessera.runtime.testing.ToyTokenizer;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code tessera serve} in its own JVM receives SIGTERM while a streaming call is open: the call
 * keeps being answered until the client ends it, then the process exits 0.
 */
class ShutdownSignalTest {

    @TempDir Path temp;

    private static String classPath() {
        // Surefire runs tests from a manifest-only jar; this property has the real class path.
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank()
                ? surefire
                : System.getProperty("java.class.path");
    }

    private static EncodeRequest request(String id) {
        return EncodeRequest.newBuilder()
                .setRequestId(id)
                .setPixels(
                        RawTensor.newBuilder()
                                .setDtype(DType.DTYPE_UINT8)
                                .addAllShape(List.of(1L, 1L, 8L, 8L))
                                .setData(ByteString.copyFrom(ToyImages.quadrants())))
                .build();
    }

    @Test
    void sigtermDrainsTheOpenCallThenExitsZero() throws Exception {
        Path dir = ToyTokenizer.gray("toy", "1").writeTo(temp);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process =
                new ProcessBuilder(
                                java,
                                "-cp",
                                classPath(),
                                RuntimeCli.class.getName(),
                                "serve",
                                "--model",
                                dir.toString(),
                                "--port",
                                "0",
                                "--drain-timeout-s",
                                "30")
                        .start();
        StderrLines err = new StderrLines(process);
        ManagedChannel channel = null;
        try {
            int port = awaitPort(process);
            channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            BlockingQueue<EncodeResponse> answers = new LinkedBlockingQueue<>();
            CompletableFuture<Void> ended = new CompletableFuture<>();
            StreamObserver<EncodeRequest> stream =
                    TokenizerServiceGrpc.newStub(channel)
                            .encodeStream(
                                    new StreamObserver<>() {
                                        @Override
                                        public void onNext(EncodeResponse value) {
                                            answers.add(value);
                                        }

                                        @Override
                                        public void onError(Throwable t) {
                                            ended.completeExceptionally(t);
                                        }

                                        @Override
                                        public void onCompleted() {
                                            ended.complete(null);
                                        }
                                    });
            stream.onNext(request("before"));
            assertEquals("before", answers.poll(20, TimeUnit.SECONDS).getRequestId());

            // SIGTERM through the handle: Process.destroy() would also close our end of stderr.
            process.toHandle().destroy();
            err.await("shutting down: draining calls in flight for up to 30 s");
            stream.onNext(request("during"));
            EncodeResponse during = answers.poll(20, TimeUnit.SECONDS);
            assertEquals("during", during.getRequestId());
            assertArrayEquals(
                    ToyImages.QUADRANT_TOKENS,
                    during.getTokens().getIdsList().stream().mapToInt(Integer::intValue).toArray());
            stream.onCompleted();
            ended.get(20, TimeUnit.SECONDS);

            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the server did not exit");
            String stderr = err.all();
            assertEquals(0, process.exitValue(), stderr);
            assertTrue(stderr.contains("stopped after every call finished"), stderr);
        } finally {
            if (channel != null) {
                channel.shutdownNow();
            }
            process.destroyForcibly();
        }
    }

    private static int awaitPort(Process process) throws Exception {
        BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Pattern listening = Pattern.compile("^listening on 127\\.0\\.0\\.1:(\\d+)$");
        CompletableFuture<Integer> port =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                for (String line; (line = out.readLine()) != null; ) {
                                    Matcher m = listening.matcher(line);
                                    if (m.matches()) {
                                        return Integer.parseInt(m.group(1));
                                    }
                                }
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                            throw new AssertionError("the server ended without listening");
                        });
        return port.get(60, TimeUnit.SECONDS);
    }

    /** The lines a process writes to stderr, read as they come by a thread of their own. */
    private static final class StderrLines {
        private final BlockingQueue<String> fresh = new LinkedBlockingQueue<>();
        private final StringBuilder all = new StringBuilder();
        private final Thread reader;

        StderrLines(Process process) {
            reader =
                    new Thread(
                            () -> {
                                try (BufferedReader in =
                                        new BufferedReader(
                                                new InputStreamReader(
                                                        process.getErrorStream(),
                                                        StandardCharsets.UTF_8))) {
                                    for (String line; (line = in.readLine()) != null; ) {
                                        synchronized (all) {
                                            all.append(line).append('\n');
                                        }
                                        fresh.add(line);
                                    }
                                } catch (java.io.IOException e) {
                                    // the process is gone; what was read stays
                                }
                            },
                            "server-stderr");
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits for a line containing {@code text} (at most 20 s between lines). */
        void await(String text) throws InterruptedException {
            for (String line; (line = fresh.poll(20, TimeUnit.SECONDS)) != null; ) {
                if (line.contains(text)) {
                    return;
                }
            }
            throw new AssertionError("no \"" + text + "\" in the server's stderr:\n" + all());
        }

        /** Everything written, once the process has closed its stderr (at most 20 s). */
        String all() throws InterruptedException {
            reader.join(TimeUnit.SECONDS.toMillis(20));
            synchronized (all) {
                return all.toString();
            }
        }
    }
}
