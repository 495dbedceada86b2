package dev.tessera.runtime.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import com.google.common.util.concurrent.ListenableFuture;

import dev.tessera.api.v1.DType;
import dev.tessera.api.v1.DecodeResponse;
import dev.tessera.api.v1.EncodeRequest;
import dev.tessera.api.v1.EncodeResponse;
import dev.tessera.api.v1.EncodedImage;
import dev.tessera.api.v1.EncodedImages;
import dev.tessera.api.v1.ModelRef;
import dev.tessera.api.v1.RawTensor;
import dev.tessera.api.v1.TokenizerServiceGrpc;
import dev.tessera.api.v1.TokenizerServiceGrpc.TokenizerServiceBlockingStub;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.server.batching.BatchPolicy;
import dev.tessera.runtime.testing.ImageFiles;
import dev.tessera.runtime.testing.ToyTokenizer;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The native API on a model that takes any multiple of its downsampling factor (the toy's is 4,
 * trained at 8×8): raw pixels and PNG files of other sizes, grids of other sizes, requests of
 * different sizes merged into one batch, and batch limits counted in training-size images.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DynamicSizeServingTest {

    private static final ModelRef ANY = TestRequests.model("any", "");

    @TempDir static Path temp;
    private ModelRegistry registry;
    private Tokenizer library;
    private TokenizerServer server;
    private ManagedChannel channel;
    private TokenizerServiceBlockingStub stub;

    @BeforeAll
    void start() throws Exception {
        Path dir = ToyTokenizer.gray("any", "1").anySize().writeTo(temp);
        library = Tokenizer.open(dir);
        registry = new ModelRegistry();
        registry.register(Tokenizer.open(dir));
        ServerConfig config =
                ServerConfig.defaults()
                        .withMaxBatch(4)
                        .withBatching(new BatchPolicy(4, Duration.ofMillis(50), 64));
        server = TokenizerServer.startInProcess(registry, "dynamic-size", config);
        channel = InProcessChannelBuilder.forName("dynamic-size").build();
        stub = TokenizerServiceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    void stop() {
        channel.shutdownNow();
        server.close();
        registry.close();
        library.close();
    }

    private static EncodeRequest raw(byte[] pixels, long... shape) {
        RawTensor.Builder t =
                RawTensor.newBuilder().setDtype(DType.DTYPE_UINT8).setData(ByteString.copyFrom(pixels));
        for (long d : shape) {
            t.addShape(d);
        }
        return EncodeRequest.newBuilder().setModel(ANY).setPixels(t).build();
    }

    private static byte[] random(Random random, int size) {
        byte[] p = new byte[size];
        random.nextBytes(p);
        return p;
    }

    @Test
    void requestsOfDifferentSizesGetTheLibrarysTokensWhenBatchedTogether() throws Exception {
        Random random = new Random(3);
        int[][] sizes = {{8, 8}, {16, 16}, {8, 16}, {8, 8}, {16, 8}, {16, 16}};
        List<ImageBatch> images = new ArrayList<>();
        List<ListenableFuture<EncodeResponse>> answers = new ArrayList<>();
        TokenizerServiceGrpc.TokenizerServiceFutureStub async =
                TokenizerServiceGrpc.newFutureStub(channel);
        for (int[] s : sizes) {
            ImageBatch image = new ImageBatch(1, 1, s[0], s[1], random(random, s[0] * s[1]));
            images.add(image);
            answers.add(async.encode(raw(image.pixels(), image.shape())));
        }
        for (int i = 0; i < sizes.length; i++) {
            TokenBatch expected = library.encode(images.get(i));
            EncodeResponse r = answers.get(i).get();
            assertEquals(
                    List.of(1L, (long) sizes[i][0] / 4, (long) sizes[i][1] / 4),
                    r.getTokens().getShapeList());
            assertArrayEquals(expected.ids(), TestRequests.ids(r), "request " + i);
        }
    }

    /** An Encode request of one grayscale PNG file. */
    private static EncodeRequest png(int width, int height, byte[] pixels) {
        return EncodeRequest.newBuilder()
                .setModel(ANY)
                .setEncoded(
                        EncodedImages.newBuilder()
                                .addImages(
                                        EncodedImage.newBuilder()
                                                .setData(
                                                        ImageFiles.gray(
                                                                "png", width, height, pixels))))
                .build();
    }

    @Test
    void pngFilesOfAnotherMultipleAreTaken() {
        byte[] pixels = random(new Random(9), 12 * 8);
        EncodeResponse r = stub.encode(png(8, 12, pixels));
        assertEquals(List.of(1L, 3L, 2L), r.getTokens().getShapeList());
        assertArrayEquals(
                library.encode(new ImageBatch(1, 1, 12, 8, pixels)).ids(), TestRequests.ids(r));
    }

    @Test
    void gridsOfAnotherSizeDecodeToTheirImages() {
        DecodeResponse r =
                stub.decode(TestRequests.decode(ANY, new int[] {1, 2, 3, 4, 5, 6}, 1, 3, 2));
        assertEquals(List.of(1L, 1L, 12L, 8L), r.getPixels().getShapeList());
        assertEquals(
                ByteString.copyFrom(
                        library.decode(new TokenBatch(1, 3, 2, new int[] {1, 2, 3, 4, 5, 6}))
                                .pixels()),
                r.getPixels().getData());
    }

    @Test
    void batchLimitsCountTrainingSizeImages() {
        // Eight 4x4 images are worth two of 8x8: within a limit of 4.
        EncodeResponse small = stub.encode(raw(new byte[8 * 16], 8, 1, 4, 4));
        assertEquals(List.of(8L, 1L, 1L), small.getTokens().getShapeList());
        StatusRuntimeException e =
                assertThrows(
                        StatusRuntimeException.class,
                        () -> stub.encode(raw(new byte[2 * 256], 2, 1, 16, 16)));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
        assertEquals(
                "pixels.shape: 2 images of 16x16 count as 8 images of 8x8 (the model's training"
                        + " size) toward this server's limit of 4; send fewer or smaller ones",
                e.getStatus().getDescription());
        StatusRuntimeException file =
                assertThrows(
                        StatusRuntimeException.class,
                        () -> stub.encode(png(24, 16, new byte[384])));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, file.getStatus().getCode());
        assertEquals(
                "encoded.images[0]: 1 images of 24x16 hold more than the 256 pixels one request"
                        + " may carry (--max-batch 4 images of 8x8); send fewer or smaller images",
                file.getStatus().getDescription());
    }

    @Test
    void aSizeThatIsNoMultipleIsInvalid() {
        StatusRuntimeException e =
                assertThrows(
                        StatusRuntimeException.class,
                        () -> stub.encode(raw(new byte[60], 1, 1, 6, 10)));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals(
                "pixels.shape: expected [N,1,H,W] with N ≥ 1 and H, W positive multiples of 4,"
                        + " got [1,1,6,10]",
                e.getStatus().getDescription());
    }

    @Test
    void runByShapeKeepsTheInputOrder() {
        List<String> inputs = List.of("a1", "b1", "a2", "c1", "b2");
        List<List<String>> runs = new ArrayList<>();
        List<String> out =
                ModelBatchers.runByShape(
                        inputs,
                        s -> s.charAt(0),
                        same -> {
                            runs.add(same);
                            return same.stream().map(String::toUpperCase).toList();
                        });
        assertEquals(List.of("A1", "B1", "A2", "C1", "B2"), out);
        assertEquals(List.of(List.of("a1", "a2"), List.of("b1", "b2"), List.of("c1")), runs);
    }
}
