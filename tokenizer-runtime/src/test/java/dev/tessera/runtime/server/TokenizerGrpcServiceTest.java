package dev.tessera.runtime.server;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.tessera.runtime.Tokenizer;
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
import java.util.function.Supplier;

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
                        .build(),
                rgb);
    }

    @Test
    void getModelReturnsSummaryAndManifest() {
        GetModelResponse r = stub.getModel(GetModelRequest.newBuilder().setModel(TOY).build());
        assertEquals("10", r.getSummary().getVersion());
        assertEquals(toy10.manifest(), r.getManifest());
        assertEquals(5, r.getManifest().getSha256Count() + 1, "four files plus tokenizer.json");
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

    private record BadRequest(
            String label, Supplier<Object> call, Status.Code code, String message) {}

    @Test
    void badRequestsGetTheirStatusAndTheServerKeepsAnswering() {
        byte[] one = ToyImages.quadrants();
        ByteString garbage = ByteString.copyFromUtf8("definitely not an image");
        ByteString png = ImageFiles.gray("png", 8, 8, one);
        List<BadRequest> table =
                List.of(
                        new BadRequest(
                                "float32 dtype",
                                () ->
                                        stub.encode(
                                                encodeRaw(
                                                        TOY,
                                                        DType.DTYPE_FLOAT32,
                                                        new byte[256],
                                                        1,
                                                        1,
                                                        8,
                                                        8)),
                                Status.Code.INVALID_ARGUMENT,
                                "pixels.dtype: expected DTYPE_UINT8, got DTYPE_FLOAT32"),
                        new BadRequest(
                                "unspecified dtype",
                                () ->
                                        stub.encode(
                                                encodeRaw(
                                                        TOY,
                                                        DType.DTYPE_UNSPECIFIED,
                                                        one,
                                                        1,
                                                        1,
                                                        8,
                                                        8)),
                                Status.Code.INVALID_ARGUMENT,
                                "pixels.dtype: expected DTYPE_UINT8, got DTYPE_UNSPECIFIED"),
                        new BadRequest(
                                "wrong channels",
                                () ->
                                        stub.encode(
                                                encodeRaw(
                                                        TOY,
                                                        DType.DTYPE_UINT8,
                                                        new byte[192],
                                                        1,
                                                        3,
                                                        8,
                                                        8)),
                                Status.Code.INVALID_ARGUMENT,
                                "pixels.shape: expected [N,1,8,8] with N ≥ 1, got [1,3,8,8]"),
                        new BadRequest(
                                "rank 3",
                                () -> stub.encode(encodeRaw(TOY, DType.DTYPE_UINT8, one, 1, 8, 8)),
                                Status.Code.INVALID_ARGUMENT,
                                "pixels.shape: expected [N,1,8,8] with N ≥ 1, got [1,8,8]"),
                        new BadRequest(
                                "byte count",
                                () ->
                                        stub.encode(
                                                encodeRaw(
                                                        TOY,
                                                        DType.DTYPE_UINT8,
                                                        new byte[127],
                                                        2,
                                                        1,
                                                        8,
                                                        8)),
                                Status.Code.INVALID_ARGUMENT,
                                "pixels.data: expected 128 bytes for shape [2,1,8,8], got 127"),
                        new BadRequest(
                                "empty raw batch",
                                () ->
                                        stub.encode(
                                                encodeRaw(
                                                        TOY,
                                                        DType.DTYPE_UINT8,
                                                        new byte[0],
                                                        0,
                                                        1,
                                                        8,
                                                        8)),
                                Status.Code.INVALID_ARGUMENT,
                                "pixels.shape: expected [N,1,8,8] with N ≥ 1, got [0,1,8,8]"),
                        new BadRequest(
                                "no images",
                                () -> stub.encode(encodeFiles(TOY)),
                                Status.Code.INVALID_ARGUMENT,
                                "encoded.images: expected at least one image, got none"),
                        new BadRequest(
                                "neither pixels nor files",
                                () -> stub.encode(EncodeRequest.newBuilder().setModel(TOY).build()),
                                Status.Code.INVALID_ARGUMENT,
                                "images: expected pixels"),
                        new BadRequest(
                                "undecodable second image",
                                () -> stub.encode(encodeFiles(TOY, png, garbage)),
                                Status.Code.INVALID_ARGUMENT,
                                "encoded.images[1]: expected a PNG or JPEG image, got 23 bytes"),
                        new BadRequest(
                                "truncated png",
                                () ->
                                        stub.encode(
                                                encodeFiles(TOY, png.substring(0, png.size() / 2))),
                                Status.Code.INVALID_ARGUMENT,
                                "encoded.images[0]: expected a PNG or JPEG image"),
                        new BadRequest(
                                "png of the wrong size",
                                () ->
                                        stub.encode(
                                                encodeFiles(
                                                        TOY,
                                                        ImageFiles.gray(
                                                                "png", 16, 8, new byte[128]))),
                                Status.Code.INVALID_ARGUMENT,
                                "encoded.images[0]: expected 8x8 pixels (width x height), got"
                                    + " 16x8"),
                        new BadRequest(
                                "gif",
                                () ->
                                        stub.encode(
                                                encodeFiles(
                                                        TOY, ImageFiles.rgb("gif", 8, 8, 1, 2, 3))),
                                Status.Code.INVALID_ARGUMENT,
                                "encoded.images[0]: expected a PNG or JPEG image, got GIF"),
                        new BadRequest(
                                "token id = K",
                                () ->
                                        stub.decode(
                                                decodeRequest(
                                                        TOY,
                                                        new int[] {0, 1, 2, 3, 4, 16, 6, 7},
                                                        2,
                                                        2,
                                                        2)),
                                Status.Code.INVALID_ARGUMENT,
                                "tokens.ids[5]: expected a token id in [0,16), got 16"),
                        new BadRequest(
                                "negative token id",
                                () ->
                                        stub.decode(
                                                decodeRequest(
                                                        TOY, new int[] {-3, 0, 0, 0}, 1, 2, 2)),
                                Status.Code.INVALID_ARGUMENT,
                                "tokens.ids[0]: expected a token id in [0,16), got -3"),
                        new BadRequest(
                                "grid shape",
                                () -> stub.decode(decodeRequest(TOY, new int[6], 1, 3, 2)),
                                Status.Code.INVALID_ARGUMENT,
                                "tokens.shape: expected [N,2,2] with N ≥ 1, got [1,3,2]"),
                        new BadRequest(
                                "id count",
                                () -> stub.decode(decodeRequest(TOY, new int[7], 2, 2, 2)),
                                Status.Code.INVALID_ARGUMENT,
                                "tokens.ids: expected 8 ids for shape [2,2,2], got 7"),
                        new BadRequest(
                                "empty token batch",
                                () -> stub.decode(decodeRequest(TOY, new int[0], 0, 2, 2)),
                                Status.Code.INVALID_ARGUMENT,
                                "tokens.shape: expected [N,2,2] with N ≥ 1, got [0,2,2]"),
                        new BadRequest(
                                "batch over the limit",
                                () ->
                                        stub.encode(
                                                encodeRaw(
                                                        TOY,
                                                        DType.DTYPE_UINT8,
                                                        new byte[5 * 64],
                                                        5,
                                                        1,
                                                        8,
                                                        8)),
                                Status.Code.RESOURCE_EXHAUSTED,
                                "pixels.shape[0]: batch of 5 is over this server's limit of 4"),
                        new BadRequest(
                                "ambiguous model",
                                () ->
                                        stub.encode(
                                                encodeRaw(
                                                        ModelRef.getDefaultInstance(),
                                                        DType.DTYPE_UINT8,
                                                        one,
                                                        1,
                                                        1,
                                                        8,
                                                        8)),
                                Status.Code.INVALID_ARGUMENT,
                                "model.name: expected one of [toy, toy-rgb]"),
                        new BadRequest(
                                "unknown model",
                                () ->
                                        stub.encode(
                                                encodeRaw(
                                                        ModelRef.newBuilder()
                                                                .setName("nope")
                                                                .build(),
                                                        DType.DTYPE_UINT8,
                                                        one,
                                                        1,
                                                        1,
                                                        8,
                                                        8)),
                                Status.Code.NOT_FOUND,
                                "model.name: no model \"nope\"; the server holds [toy, toy-rgb]"),
                        new BadRequest(
                                "unknown version",
                                () ->
                                        stub.decode(
                                                decodeRequest(
                                                        TOY.toBuilder().setVersion("3").build(),
                                                        new int[4],
                                                        1,
                                                        2,
                                                        2)),
                                Status.Code.NOT_FOUND,
                                "model.version: model \"toy\" has no version \"3\"; it has [1, 9,"
                                    + " 10]"),
                        new BadRequest(
                                "unknown model in GetModel",
                                () ->
                                        stub.getModel(
                                                GetModelRequest.newBuilder()
                                                        .setModel(
                                                                ModelRef.newBuilder()
                                                                        .setName("nope"))
                                                        .build()),
                                Status.Code.NOT_FOUND,
                                "model.name: no model \"nope\""));
        for (BadRequest bad : table) {
            StatusRuntimeException e =
                    assertThrows(StatusRuntimeException.class, bad.call::get, bad.label);
            assertAll(
                    bad.label,
                    () -> assertEquals(bad.code, e.getStatus().getCode()),
                    () ->
                            assertTrue(
                                    e.getStatus().getDescription().startsWith(bad.message),
                                    e.getStatus().getDescription()));
            assertArrayEquals(
                    ToyImages.QUADRANT_TOKENS,
                    ids(stub.encode(encodeRaw(TOY, DType.DTYPE_UINT8, one, 1, 1, 8, 8))),
                    "good request after " + bad.label);
        }
    }
}
