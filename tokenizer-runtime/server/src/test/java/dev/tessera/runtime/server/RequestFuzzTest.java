package dev.tessera.runtime.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;

import dev.tessera.api.v1.DType;
import dev.tessera.api.v1.DecodeRequest;
import dev.tessera.api.v1.EncodeRequest;
import dev.tessera.api.v1.EncodedImage;
import dev.tessera.api.v1.EncodedImages;
import dev.tessera.api.v1.ModelRef;
import dev.tessera.api.v1.RawTensor;
import dev.tessera.api.v1.TokenGrid;
import dev.tessera.api.v1.TokenizerServiceGrpc;
import dev.tessera.api.v1.TokenizerServiceGrpc.TokenizerServiceBlockingStub;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.testing.ImageFiles;
import dev.tessera.runtime.testing.ToyImages;
import dev.tessera.runtime.testing.ToyTokenizer;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.stub.ClientCalls;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Fuzzes request validation with a seeded generator (reproducible: the seed and case number are in
 * every failure message): random shapes, dtypes, byte counts, token ids, image files, model names
 * and raw wire bytes. The server must answer every case with OK or one of the documented client
 * error statuses, with a message, and keep answering good requests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestFuzzTest {

    private static final long SEED = 20240611L;
    private static final int CASES = 2500;
    private static final Set<Status.Code> DOCUMENTED =
            Set.of(
                    Status.Code.OK,
                    Status.Code.INVALID_ARGUMENT,
                    Status.Code.NOT_FOUND,
                    Status.Code.RESOURCE_EXHAUSTED);
    private static final long[] DIMS = {
        -5, -1, 0, 1, 2, 3, 4, 8, 9, 64, 1L << 31, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE
    };
    private static final String[] NAMES = {
        "",
        "toy",
        "nope",
        "..",
        "../toy",
        "/etc/passwd",
        "toy/1",
        ".hidden",
        "to\u0000y",
        "x".repeat(300),
        "ü-model"
    };
    private static final String[] VERSIONS = {"", "1", "2", "..", "1/../1", "v\n1"};

    @TempDir static Path temp;
    private ModelRegistry registry;
    private TokenizerServer server;
    private ManagedChannel channel;
    private TokenizerServiceBlockingStub stub;

    @BeforeAll
    void start() throws Exception {
        registry = new ModelRegistry();
        registry.register(Tokenizer.open(ToyTokenizer.gray("toy", "1").writeTo(temp)));
        ServerConfig config =
                ServerConfig.defaults()
                        .withMaxBatch(8)
                        .withLimits(CallLimits.defaults().withMaxMessageBytes(256 << 10));
        server = TokenizerServer.startInProcess(registry, "fuzz", config);
        channel = InProcessChannelBuilder.forName("fuzz").build();
        stub = TokenizerServiceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    void stop() {
        channel.shutdownNow();
        server.close();
        registry.close();
    }

    @Test
    void arbitraryRequestsGetOnlyDocumentedStatusesAndNeverStopTheServer() {
        Random random = new Random(SEED);
        Map<Status.Code, Integer> seen = new EnumMap<>(Status.Code.class);
        for (int i = 0; i < CASES; i++) {
            Supplier<Object> call = randomCall(random);
            Status.Code code;
            try {
                call.get();
                code = Status.Code.OK;
            } catch (StatusRuntimeException e) {
                code = e.getStatus().getCode();
                String where = "seed " + SEED + " case " + i + ": " + e.getStatus();
                assertTrue(DOCUMENTED.contains(code), where);
                String description = e.getStatus().getDescription();
                assertFalse(description == null || description.isBlank(), where);
            }
            seen.merge(code, 1, Integer::sum);
            if (i % 100 == 0) {
                assertArrayEquals(
                        ToyImages.QUADRANT_TOKENS,
                        TestRequests.ids(
                                stub.encode(
                                        TestRequests.encode(
                                                TestRequests.model("toy", ""),
                                                ToyImages.quadrants(),
                                                1))),
                        "good request after case " + i);
            }
        }
        // The generator reaches every outcome, so the assertions above are not vacuous.
        assertEquals(DOCUMENTED, seen.keySet(), "outcomes " + seen);
    }

    private Supplier<Object> randomCall(Random random) {
        TokenizerServiceBlockingStub s = stub.withDeadlineAfter(20, TimeUnit.SECONDS);
        return switch (random.nextInt(6)) {
            case 0, 1 -> {
                EncodeRequest r = randomEncode(random);
                yield () -> s.encode(r);
            }
            case 2, 3 -> {
                DecodeRequest r = randomDecode(random);
                yield () -> s.decode(r);
            }
            case 4 -> {
                byte[] bytes = mutate(random, randomEncode(random));
                yield () -> callWithBytes(TokenizerServiceGrpc.getEncodeMethod(), bytes);
            }
            default -> {
                byte[] bytes = mutate(random, randomDecode(random));
                yield () -> callWithBytes(TokenizerServiceGrpc.getDecodeMethod(), bytes);
            }
        };
    }

    private static ModelRef randomModel(Random random) {
        // Mostly the real model, so that the checks behind the model lookup are reached too.
        if (random.nextInt(4) > 0) {
            return TestRequests.model("toy", random.nextBoolean() ? "" : "1");
        }
        return TestRequests.model(
                NAMES[random.nextInt(NAMES.length)], VERSIONS[random.nextInt(VERSIONS.length)]);
    }

    private static EncodeRequest randomEncode(Random random) {
        EncodeRequest.Builder r = EncodeRequest.newBuilder().setModel(randomModel(random));
        int kind = random.nextInt(5);
        if (kind <= 2) {
            RawTensor.Builder t = RawTensor.newBuilder();
            t.setDtypeValue(
                    random.nextInt(5) == 0 ? random.nextInt(100) - 1 : DType.DTYPE_UINT8_VALUE);
            boolean plausible = kind > 0;
            int n = 1 + random.nextInt(10);
            long[] shape = plausible ? new long[] {n, 1, 8, 8} : randomShape(random, 4);
            for (long d : shape) {
                t.addShape(d);
            }
            int bytes = plausible && random.nextBoolean() ? n * 64 : random.nextInt(2048);
            t.setData(randomBytes(random, bytes));
            r.setPixels(t);
        } else if (kind == 3) {
            EncodedImages.Builder files = EncodedImages.newBuilder();
            int count = random.nextInt(10);
            for (int i = 0; i < count; i++) {
                files.addImages(EncodedImage.newBuilder().setData(randomImageFile(random)));
            }
            r.setEncoded(files);
        }
        return r.build();
    }

    private static ByteString randomImageFile(Random random) {
        int w = random.nextBoolean() ? 8 : 1 + random.nextInt(20);
        int h = random.nextBoolean() ? 8 : 1 + random.nextInt(20);
        byte[] samples = new byte[w * h];
        random.nextBytes(samples);
        ByteString file =
                switch (random.nextInt(4)) {
                    case 0 -> ImageFiles.gray("png", w, h, samples);
                    case 1 -> ImageFiles.gray("jpeg", w, h, samples);
                    case 2 -> ImageFiles.rgb("gif", w, h, 1, 2, 3);
                    default -> randomBytes(random, random.nextInt(200));
                };
        return random.nextInt(4) == 0 ? file.substring(0, random.nextInt(file.size() + 1)) : file;
    }

    private static DecodeRequest randomDecode(Random random) {
        TokenGrid.Builder grid = TokenGrid.newBuilder();
        int n = 1 + random.nextInt(10);
        long[] shape = random.nextBoolean() ? new long[] {n, 2, 2} : randomShape(random, 3);
        for (long d : shape) {
            grid.addShape(d);
        }
        int count = random.nextBoolean() ? n * 4 : random.nextInt(64);
        for (int i = 0; i < count; i++) {
            grid.addIds(random.nextInt(8) == 0 ? random.nextInt() : random.nextInt(16));
        }
        return DecodeRequest.newBuilder().setModel(randomModel(random)).setTokens(grid).build();
    }

    private static long[] randomShape(Random random, int usualRank) {
        int rank = random.nextInt(3) == 0 ? random.nextInt(7) : usualRank;
        long[] shape = new long[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = DIMS[random.nextInt(DIMS.length)];
        }
        return shape;
    }

    private static ByteString randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return ByteString.copyFrom(b);
    }

    /** The message's bytes with some flipped, cut or appended; sometimes pure noise. */
    private static byte[] mutate(Random random, MessageLite message) {
        if (random.nextInt(5) == 0) {
            return randomBytes(random, random.nextInt(300)).toByteArray();
        }
        byte[] b = message.toByteArray();
        if (b.length == 0) {
            return b;
        }
        int flips = 1 + random.nextInt(4);
        for (int i = 0; i < flips; i++) {
            b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        }
        if (random.nextBoolean()) {
            b = java.util.Arrays.copyOf(b, random.nextInt(b.length + 1));
        }
        return b;
    }

    private Object callWithBytes(MethodDescriptor<?, ?> typed, byte[] bytes) {
        MethodDescriptor<byte[], byte[]> method = RawBytes.method(typed);
        return ClientCalls.blockingUnaryCall(
                channel,
                method,
                CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS),
                bytes);
    }
}
