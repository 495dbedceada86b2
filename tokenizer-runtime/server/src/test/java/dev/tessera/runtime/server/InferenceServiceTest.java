package dev.tessera.runtime.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;

import dev.tessera.api.inference.GRPCInferenceServiceGrpc;
import dev.tessera.api.inference.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import dev.tessera.api.inference.ModelInferRequest;
import dev.tessera.api.inference.ModelInferResponse;
import dev.tessera.api.inference.ModelMetadataRequest;
import dev.tessera.api.inference.ModelMetadataResponse;
import dev.tessera.api.inference.ModelMetadataResponse.TensorMetadata;
import dev.tessera.api.inference.ModelReadyRequest;
import dev.tessera.api.inference.ServerLiveRequest;
import dev.tessera.api.inference.ServerMetadataRequest;
import dev.tessera.api.inference.ServerMetadataResponse;
import dev.tessera.api.inference.ServerReadyRequest;
import dev.tessera.api.v1.DType;
import dev.tessera.api.v1.DecodeResponse;
import dev.tessera.api.v1.EncodeRequest;
import dev.tessera.api.v1.EncodeResponse;
import dev.tessera.api.v1.RawTensor;
import dev.tessera.api.v1.TokenizerServiceGrpc;
import dev.tessera.api.v1.TokenizerServiceGrpc.TokenizerServiceBlockingStub;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.testing.ToyTokenizer;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
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
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The Open Inference Protocol on {@code tessera serve}'s port, called over TCP by a client built
 * from the protocol's {@code .proto} alone ({@link KServeRequests}): readiness, metadata, and
 * inference whose tokens and pixels equal the native API's Encode and Decode, for a model of fixed
 * size and one that takes any multiple of its downsampling factor; behind the same bearer token,
 * health and metrics as the native API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InferenceServiceTest {

    private static final String TOKEN = "kserve-test-token";

    @TempDir static Path temp;
    private ModelRegistry registry;
    private TokenizerServer server;
    private ManagedChannel channel;
    private GRPCInferenceServiceBlockingStub kserve;
    private TokenizerServiceBlockingStub nativeApi;

    @BeforeAll
    void start() throws Exception {
        registry = new ModelRegistry();
        for (String version : List.of("1", "2")) {
            registry.register(Tokenizer.open(ToyTokenizer.gray("toy", version).writeTo(temp)));
        }
        registry.register(
                Tokenizer.open(ToyTokenizer.gray("any", "3").anySize().writeTo(temp)));
        Path tokens = Files.writeString(temp.resolve("tokens"), TOKEN + "\n");
        server =
                TokenizerServer.start(
                        registry,
                        ServerConfig.defaults()
                                .withPort(0)
                                .withMaxBatch(8)
                                .withAuthTokenFile(Optional.of(tokens)));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        Metadata headers = new Metadata();
        headers.put(
                Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + TOKEN);
        kserve =
                GRPCInferenceServiceGrpc.newBlockingStub(channel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                        .withDeadlineAfter(30, TimeUnit.SECONDS);
        nativeApi =
                TokenizerServiceGrpc.newBlockingStub(channel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                        .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterAll
    void stop() {
        channel.shutdownNow();
        server.close();
        registry.close();
    }

    @Test
    void serverIsLiveReadyAndNamesItself() {
        assertTrue(kserve.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
        assertTrue(kserve.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
        ServerMetadataResponse m =
                kserve.serverMetadata(ServerMetadataRequest.getDefaultInstance());
        assertEquals("tessera", m.getName());
        assertFalse(m.getVersion().isEmpty());
    }

    @Test
    void modelReadyForEveryModelAndVersionTheServerHolds() {
        assertTrue(ready("toy.encoder", ""));
        assertTrue(ready("toy.decoder", "1"));
        assertTrue(ready("any.decoder", "3"));
        assertFalse(ready("toy.encoder", "7"));
        assertFalse(ready("toy", ""));
        assertFalse(ready("nope.encoder", ""));
        assertFalse(ready("", ""));
    }

    private boolean ready(String name, String version) {
        return kserve.modelReady(
                        ModelReadyRequest.newBuilder().setName(name).setVersion(version).build())
                .getReady();
    }

    @Test
    void modelMetadataListsVersionsAndTensors() {
        ModelMetadataResponse encoder = metadata("toy.encoder", "");
        assertEquals("toy.encoder", encoder.getName());
        assertEquals(List.of("1", "2"), encoder.getVersionsList());
        assertEquals("onnxruntime_onnx", encoder.getPlatform());
        assertTensor(encoder.getInputs(0), "pixels", "UINT8", -1, 1, 8, 8);
        assertTensor(encoder.getOutputs(0), "tokens", "INT32", -1, 2, 2);
        ModelMetadataResponse decoder = metadata("any.decoder", "3");
        assertEquals(List.of("3"), decoder.getVersionsList());
        assertTensor(decoder.getInputs(0), "tokens", "INT32", -1, -1, -1);
        assertTensor(decoder.getOutputs(0), "pixels", "UINT8", -1, 1, -1, -1);
    }

    private ModelMetadataResponse metadata(String name, String version) {
        return kserve.modelMetadata(
                ModelMetadataRequest.newBuilder().setName(name).setVersion(version).build());
    }

    private static void assertTensor(
            TensorMetadata t, String name, String datatype, long... shape) {
        assertEquals(name, t.getName());
        assertEquals(datatype, t.getDatatype());
        assertEquals(
                java.util.Arrays.stream(shape).boxed().toList(), t.getShapeList(), name + " shape");
    }

    @Test
    void inferGivesTheNativeApisTokensAndPixels() {
        byte[] images = TestRequests.randomImages(new Random(13), 3);
        EncodeResponse encoded =
                nativeApi.encode(TestRequests.encode(TestRequests.model("toy", ""), images, 3));

        ModelInferResponse raw =
                kserve.modelInfer(
                        KServeRequests.raw(
                                "toy.encoder", "", "req-7", "pixels", "UINT8", images, 3, 1, 8, 8));
        assertEquals("toy.encoder", raw.getModelName());
        assertEquals("2", raw.getModelVersion());
        assertEquals("req-7", raw.getId());
        assertEquals("tokens", raw.getOutputs(0).getName());
        assertEquals("INT32", raw.getOutputs(0).getDatatype());
        assertEquals(List.of(3L, 2L, 2L), raw.getOutputs(0).getShapeList());
        int[] tokens = KServeRequests.int32s(raw.getRawOutputContents(0));
        assertArrayEquals(TestRequests.ids(encoded), tokens);

        ModelInferResponse typed =
                kserve.modelInfer(
                        KServeRequests.typedUint8("toy.encoder", "pixels", images, 3, 1, 8, 8));
        assertEquals(raw.getRawOutputContents(0), typed.getRawOutputContents(0));

        DecodeResponse decoded =
                nativeApi.decode(
                        TestRequests.decode(TestRequests.model("toy", "1"), tokens, 3, 2, 2));
        ModelInferRequest decode =
                KServeRequests.raw(
                        "toy.decoder",
                        "1",
                        "",
                        "tokens",
                        "INT32",
                        KServeRequests.int32Bytes(tokens),
                        3,
                        2,
                        2);
        ModelInferResponse pixels = kserve.modelInfer(decode);
        assertEquals("1", pixels.getModelVersion());
        assertEquals("pixels", pixels.getOutputs(0).getName());
        assertEquals("UINT8", pixels.getOutputs(0).getDatatype());
        assertEquals(List.of(3L, 1L, 8L, 8L), pixels.getOutputs(0).getShapeList());
        assertEquals(decoded.getPixels().getData(), pixels.getRawOutputContents(0));
        ModelInferResponse typedPixels =
                kserve.modelInfer(
                        KServeRequests.typedInt32("toy.decoder", "tokens", tokens, 3, 2, 2)
                                .toBuilder()
                                .setModelVersion("1")
                                .build());
        assertEquals(decoded.getPixels().getData(), typedPixels.getRawOutputContents(0));
    }

    @Test
    void anyMultipleOfTheFactorGivesItsOwnGrid() {
        byte[] image = TestRequests.randomImages(new Random(5), 4); // 256 bytes: one 16×16 image
        ModelInferResponse r =
                kserve.modelInfer(
                        KServeRequests.raw(
                                "any.encoder", "", "", "pixels", "UINT8", image, 1, 1, 16, 16));
        assertEquals(List.of(1L, 4L, 4L), r.getOutputs(0).getShapeList());
        EncodeResponse viaNative =
                nativeApi.encode(
                        EncodeRequest.newBuilder()
                                .setModel(TestRequests.model("any", ""))
                                .setPixels(
                                        RawTensor.newBuilder()
                                                .setDtype(DType.DTYPE_UINT8)
                                                .addAllShape(List.of(1L, 1L, 16L, 16L))
                                                .setData(ByteString.copyFrom(image)))
                                .build());
        assertArrayEquals(
                TestRequests.ids(viaNative), KServeRequests.int32s(r.getRawOutputContents(0)));
        ModelInferResponse back =
                kserve.modelInfer(
                        KServeRequests.raw(
                                "any.decoder",
                                "",
                                "",
                                "tokens",
                                "INT32",
                                r.getRawOutputContents(0).toByteArray(),
                                1,
                                4,
                                4));
        assertEquals(List.of(1L, 1L, 16L, 16L), back.getOutputs(0).getShapeList());

        StatusRuntimeException e =
                assertThrows(
                        StatusRuntimeException.class,
                        () ->
                                kserve.modelInfer(
                                        KServeRequests.raw(
                                                "any.encoder", "", "", "pixels", "UINT8",
                                                new byte[80], 1, 1, 10, 8)));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals(
                "pixels.shape: expected [N,1,H,W] with N ≥ 1 and H, W positive multiples of 4,"
                        + " got [1,1,10,8]",
                e.getStatus().getDescription());
    }

    @Test
    void sharesAuthenticationHealthAndMetricsWithTheNativeApi() {
        GRPCInferenceServiceBlockingStub anonymous =
                GRPCInferenceServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(30, TimeUnit.SECONDS);
        StatusRuntimeException e =
                assertThrows(
                        StatusRuntimeException.class,
                        () -> anonymous.serverLive(ServerLiveRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());

        assertEquals(
                ServingStatus.SERVING,
                HealthGrpc.newBlockingStub(channel)
                        .check(
                                HealthCheckRequest.newBuilder()
                                        .setService("inference.GRPCInferenceService")
                                        .build())
                        .getStatus());

        kserve.modelInfer(
                KServeRequests.raw(
                        "toy.encoder", "1", "m", "pixels", "UINT8", new byte[64], 1, 1, 8, 8));
        ScrapedMetrics m = new ScrapedMetrics(server.metrics().scrape());
        assertTrue(
                m.value(
                                "tessera_requests_total",
                                "method",
                                "inference.GRPCInferenceService/ModelInfer",
                                "model",
                                "toy",
                                "version",
                                "1",
                                "code",
                                "OK")
                        >= 1,
                m::toString);
    }
}
