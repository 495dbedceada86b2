package dev.tessera.runtime.server;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;

import dev.tessera.api.v1.DType;
import dev.tessera.api.v1.EncodeRequest;
import dev.tessera.api.v1.EncodedImage;
import dev.tessera.api.v1.EncodedImages;
import dev.tessera.api.v1.GetModelRequest;
import dev.tessera.api.v1.ModelRef;
import dev.tessera.api.v1.RawTensor;
import dev.tessera.api.v1.TokenizerServiceGrpc;
import dev.tessera.api.v1.TokenizerServiceGrpc.TokenizerServiceBlockingStub;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.testing.ImageFiles;
import dev.tessera.runtime.testing.ToyImages;
import dev.tessera.runtime.testing.ToyTokenizer;

import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Every kind of malformed request, over a real TCP connection to a server with authentication and a
 * 64 KiB message limit: each gets its documented status and a message naming what is wrong, and the
 * server answers a good request right after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadRequestTableTest {

    private static final String TOKEN = "s3cret-token";
    private static final ModelRef TOY = TestRequests.model("toy", "");
    private static final int MAX_MESSAGE = 64 << 10;
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    @TempDir static Path temp;
    private ModelRegistry registry;
    private TokenizerServer server;
    private ManagedChannel channel;
    private TokenizerServiceBlockingStub authorized;

    @BeforeAll
    void start() throws Exception {
        registry = new ModelRegistry();
        for (String version : List.of("1", "10", "9")) {
            registry.register(Tokenizer.open(ToyTokenizer.gray("toy", version).writeTo(temp)));
        }
        registry.register(Tokenizer.open(ToyTokenizer.rgb("toy-rgb", "1").writeTo(temp)));
        Path tokens = Files.writeString(temp.resolve("tokens"), "# test token\n" + TOKEN + "\n");
        ServerConfig config =
                ServerConfig.defaults()
                        .withPort(0)
                        .withMaxBatch(4)
                        .withLimits(CallLimits.defaults().withMaxMessageBytes(MAX_MESSAGE))
                        .withAuthTokenFile(Optional.of(tokens));
        server = TokenizerServer.start(registry, config);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        authorized = withAuthorization(stub(), "Bearer " + TOKEN);
    }

    @AfterAll
    void stop() {
        channel.shutdownNow();
        server.close();
        registry.close();
    }

    private TokenizerServiceBlockingStub stub() {
        return TokenizerServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private static TokenizerServiceBlockingStub withAuthorization(
            TokenizerServiceBlockingStub stub, String value) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, value);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static EncodeRequest raw(ModelRef model, DType dtype, byte[] data, long... shape) {
        RawTensor.Builder t =
                RawTensor.newBuilder().setDtype(dtype).setData(ByteString.copyFrom(data));
        for (long d : shape) {
            t.addShape(d);
        }
        return EncodeRequest.newBuilder().setModel(model).setPixels(t).build();
    }

    private static EncodeRequest files(ModelRef model, ByteString... files) {
        EncodedImages.Builder images = EncodedImages.newBuilder();
        for (ByteString f : files) {
            images.addImages(EncodedImage.newBuilder().setData(f));
        }
        return EncodeRequest.newBuilder().setModel(model).setEncoded(images).build();
    }

    /** A PNG of the right format whose header claims 100000 × 100000 pixels. */
    private static ByteString pngClaimingHugeSize() {
        byte[] png = ImageFiles.gray("png", 8, 8, new byte[64]).toByteArray();
        // IHDR data starts at byte 16: width, then height, big-endian.
        for (int offset : new int[] {16, 20}) {
            int v = 100_000;
            png[offset] = (byte) (v >>> 24);
            png[offset + 1] = (byte) (v >>> 16);
            png[offset + 2] = (byte) (v >>> 8);
            png[offset + 3] = (byte) v;
        }
        return ByteString.copyFrom(png);
    }

    private record BadRequest(
            String label,
            Function<TokenizerServiceBlockingStub, Object> call,
            Status.Code code,
            String message) {}

    private static BadRequest bad(
            String label,
            Function<TokenizerServiceBlockingStub, Object> call,
            Status.Code code,
            String message) {
        return new BadRequest(label, call, code, message);
    }

    private static BadRequest badEncode(
            String label, EncodeRequest request, Status.Code code, String message) {
        return bad(label, s -> s.encode(request), code, message);
    }

    private List<BadRequest> table() {
        byte[] one = ToyImages.quadrants();
        ByteString png = ImageFiles.gray("png", 8, 8, one);
        ModelRef unknown = TestRequests.model("nope", "");
        Status.Code invalid = Status.Code.INVALID_ARGUMENT;
        Status.Code exhausted = Status.Code.RESOURCE_EXHAUSTED;
        return List.of(
                badEncode(
                        "float32 dtype",
                        raw(TOY, DType.DTYPE_FLOAT32, new byte[256], 1, 1, 8, 8),
                        invalid,
                        "pixels.dtype: expected DTYPE_UINT8, got DTYPE_FLOAT32"),
                badEncode(
                        "unspecified dtype",
                        raw(TOY, DType.DTYPE_UNSPECIFIED, one, 1, 1, 8, 8),
                        invalid,
                        "pixels.dtype: expected DTYPE_UINT8, got DTYPE_UNSPECIFIED"),
                badEncode(
                        "unknown dtype number",
                        raw(TOY, DType.DTYPE_UINT8, one, 1, 1, 8, 8).toBuilder()
                                .setPixels(
                                        raw(TOY, DType.DTYPE_UINT8, one, 1, 1, 8, 8)
                                                .getPixels()
                                                .toBuilder()
                                                .setDtypeValue(99))
                                .build(),
                        invalid,
                        "pixels.dtype: expected DTYPE_UINT8, got UNRECOGNIZED"),
                badEncode(
                        "wrong channels",
                        raw(TOY, DType.DTYPE_UINT8, new byte[192], 1, 3, 8, 8),
                        invalid,
                        "pixels.shape: expected [N,1,8,8] with N ≥ 1, got [1,3,8,8]"),
                badEncode(
                        "rank 3",
                        raw(TOY, DType.DTYPE_UINT8, one, 1, 8, 8),
                        invalid,
                        "pixels.shape: expected [N,1,8,8] with N ≥ 1, got [1,8,8]"),
                badEncode(
                        "negative batch",
                        raw(TOY, DType.DTYPE_UINT8, one, -1, 1, 8, 8),
                        invalid,
                        "pixels.shape: expected [N,1,8,8] with N ≥ 1, got [-1,1,8,8]"),
                badEncode(
                        "byte count",
                        raw(TOY, DType.DTYPE_UINT8, new byte[127], 2, 1, 8, 8),
                        invalid,
                        "pixels.data: expected 128 bytes for shape [2,1,8,8], got 127"),
                badEncode(
                        "empty raw batch",
                        raw(TOY, DType.DTYPE_UINT8, new byte[0], 0, 1, 8, 8),
                        invalid,
                        "pixels.shape: expected [N,1,8,8] with N ≥ 1, got [0,1,8,8]"),
                badEncode(
                        "no images",
                        files(TOY),
                        invalid,
                        "encoded.images: expected at least one image, got none"),
                badEncode(
                        "neither pixels nor files",
                        EncodeRequest.newBuilder().setModel(TOY).build(),
                        invalid,
                        "images: expected pixels (raw uint8 NCHW) or encoded"),
                badEncode(
                        "undecodable second image",
                        files(TOY, png, ByteString.copyFromUtf8("definitely not an image")),
                        invalid,
                        "encoded.images[1]: expected a PNG or JPEG image, got 23 bytes"),
                badEncode(
                        "truncated png",
                        files(TOY, png.substring(0, png.size() / 2)),
                        invalid,
                        "encoded.images[0]: expected a PNG or JPEG image"),
                badEncode(
                        "png of the wrong size",
                        files(TOY, ImageFiles.gray("png", 16, 8, new byte[128])),
                        invalid,
                        "encoded.images[0]: expected 8x8 pixels (width x height), got 16x8"),
                badEncode(
                        "png header claiming 100000x100000",
                        files(TOY, pngClaimingHugeSize()),
                        invalid,
                        "encoded.images[0]: expected "),
                badEncode(
                        "gif",
                        files(TOY, ImageFiles.rgb("gif", 8, 8, 1, 2, 3)),
                        invalid,
                        "encoded.images[0]: expected a PNG or JPEG image, got GIF"),
                bad(
                        "token id = K",
                        s ->
                                s.decode(
                                        TestRequests.decode(
                                                TOY, new int[] {0, 1, 2, 3, 4, 16, 6, 7}, 2, 2, 2)),
                        invalid,
                        "tokens.ids[5]: expected a token id in [0,16), got 16"),
                bad(
                        "negative token id",
                        s -> s.decode(TestRequests.decode(TOY, new int[] {-3, 0, 0, 0}, 1, 2, 2)),
                        invalid,
                        "tokens.ids[0]: expected a token id in [0,16), got -3"),
                bad(
                        "grid shape",
                        s -> s.decode(TestRequests.decode(TOY, new int[6], 1, 3, 2)),
                        invalid,
                        "tokens.shape: expected [N,2,2] with N ≥ 1, got [1,3,2]"),
                bad(
                        "id count",
                        s -> s.decode(TestRequests.decode(TOY, new int[7], 2, 2, 2)),
                        invalid,
                        "tokens.ids: expected 8 ids for shape [2,2,2], got 7"),
                bad(
                        "empty token batch",
                        s -> s.decode(TestRequests.decode(TOY, new int[0], 0, 2, 2)),
                        invalid,
                        "tokens.shape: expected [N,2,2] with N ≥ 1, got [0,2,2]"),
                badEncode(
                        "image batch over the limit",
                        raw(TOY, DType.DTYPE_UINT8, new byte[5 * 64], 5, 1, 8, 8),
                        exhausted,
                        "pixels.shape[0]: batch of 5 is over this server's limit of 4"),
                badEncode(
                        "file batch over the limit",
                        files(TOY, png, png, png, png, png),
                        exhausted,
                        "encoded.images: batch of 5 is over this server's limit of 4"),
                bad(
                        "grid batch over the limit",
                        s -> s.decode(TestRequests.decode(TOY, new int[20], 5, 2, 2)),
                        exhausted,
                        "tokens.shape[0]: batch of 5 is over this server's limit of 4"),
                badEncode(
                        "oversized message",
                        raw(TOY, DType.DTYPE_UINT8, new byte[MAX_MESSAGE], 1024, 1, 8, 8),
                        exhausted,
                        "gRPC message exceeds maximum size " + MAX_MESSAGE),
                badEncode(
                        "ambiguous model",
                        raw(ModelRef.getDefaultInstance(), DType.DTYPE_UINT8, one, 1, 1, 8, 8),
                        invalid,
                        "model.name: expected one of [toy, toy-rgb]"),
                badEncode(
                        "name escaping the repository",
                        raw(TestRequests.model("../toy", ""), DType.DTYPE_UINT8, one, 1, 1, 8, 8),
                        invalid,
                        "model.name: expected a name of at most 128 characters without '/'"),
                badEncode(
                        "absolute path as name",
                        raw(
                                TestRequests.model("/etc/passwd", ""),
                                DType.DTYPE_UINT8,
                                one,
                                1,
                                1,
                                8,
                                8),
                        invalid,
                        "model.name: expected a name"),
                badEncode(
                        "version with separators",
                        raw(
                                TestRequests.model("toy", "1/../../9"),
                                DType.DTYPE_UINT8,
                                one,
                                1,
                                1,
                                8,
                                8),
                        invalid,
                        "model.version: expected a name"),
                badEncode(
                        "unknown model",
                        raw(unknown, DType.DTYPE_UINT8, one, 1, 1, 8, 8),
                        Status.Code.NOT_FOUND,
                        "model.name: no model \"nope\"; the server holds [toy, toy-rgb]"),
                bad(
                        "unknown version",
                        s ->
                                s.decode(
                                        TestRequests.decode(
                                                TestRequests.model("toy", "3"),
                                                new int[4],
                                                1,
                                                2,
                                                2)),
                        Status.Code.NOT_FOUND,
                        "model.version: model \"toy\" has no version \"3\"; it has [1, 9, 10]"),
                bad(
                        "unknown model in GetModel",
                        s -> s.getModel(GetModelRequest.newBuilder().setModel(unknown).build()),
                        Status.Code.NOT_FOUND,
                        "model.name: no model \"nope\""),
                bad(
                        "bytes that are not a protobuf message",
                        s -> callWithBytes(new byte[] {(byte) 0xff, 0x01, 0x02}),
                        invalid,
                        "request: the message is not a valid tessera.v1.EncodeRequest"));
    }

    /** Calls Encode with raw bytes as the message, as a broken or hostile client could. */
    private Object callWithBytes(byte[] bytes) {
        MethodDescriptor<byte[], byte[]> method =
                RawBytes.method(TokenizerServiceGrpc.getEncodeMethod());
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + TOKEN);
        return ClientCalls.blockingUnaryCall(
                ClientInterceptors.intercept(
                        channel, MetadataUtils.newAttachHeadersInterceptor(headers)),
                method,
                CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS),
                bytes);
    }

    @Test
    void everyMalformedRequestGetsItsStatusAndTheServerKeepsAnswering() {
        for (BadRequest bad : table()) {
            assertRefused(bad, authorized);
        }
    }

    @Test
    void callsWithoutAValidBearerTokenAreUnauthenticated() {
        EncodeRequest good = TestRequests.encode(TOY, ToyImages.quadrants(), 1);
        Status.Code unauthenticated = Status.Code.UNAUTHENTICATED;
        record Auth(String label, TokenizerServiceBlockingStub stub, String message) {}
        List<Auth> cases =
                List.of(
                        new Auth(
                                "missing",
                                stub(),
                                "missing authorization metadata; send \"authorization: Bearer"
                                        + " <token>\""),
                        new Auth(
                                "wrong token",
                                withAuthorization(stub(), "Bearer nope"),
                                "authorization metadata: the bearer token is not accepted"),
                        new Auth(
                                "not bearer",
                                withAuthorization(stub(), "Basic " + TOKEN),
                                "authorization metadata: expected \"Bearer <token>\""));
        for (Auth auth : cases) {
            assertRefused(
                    bad(
                            "auth " + auth.label(),
                            s -> auth.stub().encode(good),
                            unauthenticated,
                            auth.message()),
                    authorized);
        }
        // The scheme is case-insensitive, as in HTTP.
        assertArrayEquals(
                ToyImages.QUADRANT_TOKENS,
                TestRequests.ids(withAuthorization(stub(), "bearer " + TOKEN).encode(good)));
    }

    private void assertRefused(BadRequest bad, TokenizerServiceBlockingStub good) {
        StatusRuntimeException e =
                assertThrows(
                        StatusRuntimeException.class,
                        () -> bad.call().apply(authorized),
                        bad.label());
        assertAll(
                bad.label(),
                () -> assertEquals(bad.code(), e.getStatus().getCode(), e.getStatus().toString()),
                () ->
                        assertTrue(
                                String.valueOf(e.getStatus().getDescription())
                                        .startsWith(bad.message()),
                                e.getStatus().getDescription()));
        assertArrayEquals(
                ToyImages.QUADRANT_TOKENS,
                TestRequests.ids(good.encode(TestRequests.encode(TOY, ToyImages.quadrants(), 1))),
                "good request after " + bad.label());
    }
}
