package dev.tessera.runtime.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;

import dev.tessera.api.v1.DType;
import dev.tessera.api.v1.DecodeRequest;
import dev.tessera.api.v1.DecodeResponse;
import dev.tessera.api.v1.EncodeRequest;
import dev.tessera.api.v1.EncodeResponse;
import dev.tessera.api.v1.EncodedImage;
import dev.tessera.api.v1.EncodedImages;
import dev.tessera.api.v1.GetModelRequest;
import dev.tessera.api.v1.GetModelResponse;
import dev.tessera.api.v1.ListModelsRequest;
import dev.tessera.api.v1.ModelRef;
import dev.tessera.api.v1.ModelSummary;
import dev.tessera.api.v1.RawTensor;
import dev.tessera.api.v1.TokenGrid;
import dev.tessera.api.v1.TokenizerServiceGrpc;
import dev.tessera.api.v1.TokenizerServiceGrpc.TokenizerServiceBlockingStub;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.testing.ImageFiles;
import dev.tessera.runtime.testing.ToyImages;
import dev.tessera.runtime.testing.ToyTokenizer;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenizerGrpcServiceTest {

    private static final ModelRef TOY = ModelRef.newBuilder().setName("toy").build();
    private static final ModelRef TOY_RGB = ModelRef.newBuilder().setName("toy-rgb").build();

    @TempDir static Path temp;
    private ModelRegistry registry;
    private TokenizerServer server;
    private ManagedChannel channel;
    private TokenizerServiceBlockingStub stub;
    private Tokenizer toy10;

    @BeforeAll
    void start() throws Exception {
        registry = new ModelRegistry();
        for (String version : List.of("1", "10", "9")) {
            registry.register(Tokenizer.open(ToyTokenizer.gray("toy", version).writeTo(temp)));
        }
        registry.register(Tokenizer.open(ToyTokenizer.rgb("toy-rgb", "1").writeTo(temp)));
        toy10 = registry.resolve(ModelRef.newBuilder().setName("toy").setVersion("10").build());
        server =
                TokenizerServer.startInProcess(
                        registry, "service-test", ServerConfig.defaults().withMaxBatch(4));
        channel = InProcessChannelBuilder.forName("service-test").directExecutor().build();
        stub = TokenizerServiceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    void stop() {
        channel.shutdownNow();
        server.close();
        registry.close();
    }

    private static RawTensor raw(DType dtype, byte[] data, long... shape) {
        RawTensor.Builder b =
                RawTensor.newBuilder().setDtype(dtype).setData(ByteString.copyFrom(data));
        for (long d : shape) {
            b.addShape(d);
        }
        return b.build();
    }

    private static EncodeRequest encodeRaw(
            ModelRef model, DType dtype, byte[] data, long... shape) {
        return EncodeRequest.newBuilder()
                .setModel(model)
                .setPixels(raw(dtype, data, shape))
                .build();
    }

    private static EncodeRequest encodeFiles(ModelRef model, ByteString... files) {
        EncodedImages.Builder images = EncodedImages.newBuilder();
        for (ByteString f : files) {
            images.addImages(EncodedImage.newBuilder().setData(f));
        }
        return EncodeRequest.newBuilder().setModel(model).setEncoded(images).build();
    }

    private static DecodeRequest decodeRequest(ModelRef model, int[] ids, long... shape) {
        TokenGrid.Builder g = TokenGrid.newBuilder();
        for (long d : shape) {
            g.addShape(d);
        }
        for (int id : ids) {
            g.addIds(id);
        }
        return DecodeRequest.newBuilder().setModel(model).setTokens(g).build();
    }

    private static int[] ids(EncodeResponse r) {
        return r.getTokens().getIdsList().stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void encodeReturnsTheLibrarysTokensAndEchoes() {
        ImageBatch batch = ToyImages.grayBatch(ToyImages.quadrants(), ToyImages.uniform(1, 37));
        EncodeResponse r =
                stub.encode(
                        encodeRaw(TOY, DType.DTYPE_UINT8, batch.pixels(), 2, 1, 8, 8).toBuilder()
                                .setRequestId("req-42")
                                .build());
        assertEquals(List.of(2L, 2L, 2L), r.getTokens().getShapeList());
        assertArrayEquals(new int[] {0, 15, 6, 4, 2, 2, 2, 2}, ids(r));
        assertArrayEquals(toy10.encode(batch).ids(), ids(r));
        assertEquals("req-42", r.getRequestId());
        assertEquals(ModelRef.newBuilder().setName("toy").setVersion("10").build(), r.getModel());
    }

    @Test
    void explicitVersionIsUsedAndEchoed() {
        EncodeResponse r =
                stub.encode(
                        encodeRaw(
                                TOY.toBuilder().setVersion("9").build(),
                                DType.DTYPE_UINT8,
                                ToyImages.quadrants(),
                                1,
                                1,
                                8,
                                8));
        assertEquals("9", r.getModel().getVersion());
        assertArrayEquals(ToyImages.QUADRANT_TOKENS, ids(r));
    }

    @Test
    void decodeReturnsTheLibrarysPixels() {
        int[] tokens = {0, 15, 6, 4, 2, 2, 2, 2};
        DecodeResponse r =
                stub.decode(
                        decodeRequest(TOY, tokens, 2, 2, 2).toBuilder()
                                .setRequestId("d-1")
                                .build());
        ImageBatch expected = toy10.decode(new TokenBatch(2, 2, 2, tokens));
        assertEquals(DType.DTYPE_UINT8, r.getPixels().getDtype());
        assertEquals(List.of(2L, 1L, 8L, 8L), r.getPixels().getShapeList());
        assertArrayEquals(expected.pixels(), r.getPixels().getData().toByteArray());
        assertEquals(248, Byte.toUnsignedInt(r.getPixels().getData().byteAt(7)));
        assertEquals(40, Byte.toUnsignedInt(r.getPixels().getData().byteAt(64 + 63)));
        assertEquals("d-1", r.getRequestId());
        assertEquals("10", r.getModel().getVersion());
    }

    @Test
    void pngInputEqualsRawInput() {
        byte[] quadrants = ToyImages.quadrants();
        EncodeResponse fromPng =
                stub.encode(
                        encodeFiles(
                                TOY,
                                ImageFiles.gray("png", 8, 8, quadrants),
                                ImageFiles.gray("png", 8, 8, ToyImages.uniform(1, 37))));
        EncodeResponse fromRaw =
                stub.encode(
                        encodeRaw(
                                TOY,
                                DType.DTYPE_UINT8,
                                ToyImages.grayBatch(quadrants, ToyImages.uniform(1, 37)).pixels(),
                                2,
                                1,
                                8,
                                8));
        assertEquals(fromRaw.getTokens(), fromPng.getTokens());
    }

    @Test
    void jpegInputDecodes() {
        EncodeResponse r =
                stub.encode(
                        encodeFiles(TOY, ImageFiles.gray("jpeg", 8, 8, ToyImages.uniform(1, 37))));
        assertArrayEquals(new int[] {2, 2, 2, 2}, ids(r));
    }

    @Test
    void colourPngBecomesLumaForAGrayModel() {
        // Luma of pure red is round(0.299 · 255) = 76 → token 4; a channel mean would give 85 → 5.
        EncodeResponse r = stub.encode(encodeFiles(TOY, ImageFiles.rgb("png", 8, 8, 255, 0, 0)));
        assertArrayEquals(new int[] {4, 4, 4, 4}, ids(r));
    }

    @Test
    void rgbPngEqualsRawForAnRgbModel() {
        byte[] planes = new byte[3 * 64];
        java.util.Arrays.fill(planes, 0, 64, (byte) 30);
        java.util.Arrays.fill(planes, 64, 128, (byte) 60);
        java.util.Arrays.fill(planes, 128, 192, (byte) 90);
        EncodeResponse fromRaw =
                stub.encode(encodeRaw(TOY_RGB, DType.DTYPE_UINT8, planes, 1, 3, 8, 8));
        EncodeResponse fromPng =
                stub.encode(encodeFiles(TOY_RGB, ImageFiles.rgb("png", 8, 8, 30, 60, 90)));
        assertArrayEquals(new int[] {3, 3, 3, 3}, ids(fromRaw));
        assertEquals(fromRaw.getTokens(), fromPng.getTokens());
        // A grayscale file is replicated into the three channels: mean 100 → token 6.
        EncodeResponse gray =
                stub.encode(
                        encodeFiles(
                                TOY_RGB, ImageFiles.gray("png", 8, 8, ToyImages.uniform(1, 100))));
        assertArrayEquals(new int[] {6, 6, 6, 6}, ids(gray));
    }

    @Test
    void listModelsSortsByNameThenVersion() {
        List<ModelSummary> models =
                stub.listModels(ListModelsRequest.getDefaultInstance()).getModelsList();
        assertEquals(
                List.of("toy 1", "toy 9", "toy 10", "toy-rgb 1"),
                models.stream().map(m -> m.getName() + " " + m.getVersion()).toList());
        ModelSummary rgb = models.get(3);
        assertEquals(
                ModelSummary.newBuilder()
                        .setName("toy-rgb")
                        .setVersion("1")
                        .setQuantizer("gmvq")
                        .setCodebookSize(16)
                        .setCodeDim(4)
                        .setGridHeight(2)
                        .setGridWidth(2)
                        .setChannels(3)
                        .setImageHeight(8)
                        .setImageWidth(8)
                        .putMetrics("mse", 0.0125)
                        .putMetrics("psnr", 19.03)
                        .build(),
                rgb);
    }

    @Test
    void getModelReturnsSummaryAndManifest() {
        GetModelResponse r = stub.getModel(GetModelRequest.newBuilder().setModel(TOY).build());
        assertEquals("10", r.getSummary().getVersion());
        assertEquals(toy10.manifest(), r.getManifest());
        assertEquals(5, r.getManifest().getSha256Count() + 1, "four files plus tessera.json");
    }

    @Test
    void healthIsServingOverallAndPerModel() {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
        for (String service : List.of("", "toy", "toy-rgb", "tessera.v1.TokenizerService")) {
            assertEquals(
                    ServingStatus.SERVING,
                    health.check(HealthCheckRequest.newBuilder().setService(service).build())
                            .getStatus(),
                    service);
        }
        StatusRuntimeException e =
                assertThrows(
                        StatusRuntimeException.class,
                        () ->
                                health.check(
                                        HealthCheckRequest.newBuilder()
                                                .setService("nope")
                                                .build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    }
}
