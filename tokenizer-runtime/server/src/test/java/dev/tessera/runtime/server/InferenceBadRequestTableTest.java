package dev.tessera.runtime.server;

import static dev.tessera.runtime.server.KServeRequests.int32Bytes;
import static dev.tessera.runtime.server.KServeRequests.raw;
import static dev.tessera.runtime.server.KServeRequests.tensor;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;

import dev.tessera.api.inference.GRPCInferenceServiceGrpc;
import dev.tessera.api.inference.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import dev.tessera.api.inference.InferTensorContents;
import dev.tessera.api.inference.ModelInferRequest;
import dev.tessera.api.inference.ModelMetadataRequest;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.testing.ToyImages;
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
import java.util.List;
import java.util.function.Function;

/**
 * Every kind of malformed Open Inference Protocol request gets the status the native API gives
 * the same mistake (docs/serving.md's error table) and a message naming the tensor or field, and
 * the server answers a good request right after. The server holds toy versions 1 and 2 (8×8 gray,
 * fixed size) and any version 3 (any multiple of 4), with a batch limit of 4.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InferenceBadRequestTableTest {

    @TempDir static Path temp;
    private ModelRegistry registry;
    private TokenizerServer server;
    private ManagedChannel channel;
    private GRPCInferenceServiceBlockingStub stub;

    @BeforeAll
    void start() throws Exception {
        registry = new ModelRegistry();
        for (String version : List.of("1", "2")) {
            registry.register(Tokenizer.open(ToyTokenizer.gray("toy", version).writeTo(temp)));
        }
        registry.register(Tokenizer.open(ToyTokenizer.gray("any", "3").anySize().writeTo(temp)));
        server =
                TokenizerServer.startInProcess(
                        registry, "kserve-bad", ServerConfig.defaults().withMaxBatch(4));
        channel = InProcessChannelBuilder.forName("kserve-bad").build();
        stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    void stop() {
        channel.shutdownNow();
        server.close();
        registry.close();
    }

    private record Bad(
            String label,
            Function<GRPCInferenceServiceBlockingStub, Object> call,
            Status.Code code,
            String message) {}

    private static Bad infer(String label, ModelInferRequest r, Status.Code code, String message) {
        return new Bad(label, s -> s.modelInfer(r), code, message);
    }

    private static ModelInferRequest image(String model, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return raw(model, "", "", "pixels", "UINT8", new byte[(int) n], shape);
    }

    private static ModelInferRequest grid(String model, int... ids) {
        return raw(model, "", "", "tokens", "INT32", int32Bytes(ids), 1, 2, 2);
    }

    private List<Bad> table() {
        Status.Code invalid = Status.Code.INVALID_ARGUMENT;
        Status.Code notFound = Status.Code.NOT_FOUND;
        Status.Code exhausted = Status.Code.RESOURCE_EXHAUSTED;
        ModelInferRequest good = image("toy.encoder", 1, 1, 8, 8);
        return List.of(
                infer(
                        "FP32 pixels",
                        raw("toy.encoder", "", "", "pixels", "FP32", new byte[256], 1, 1, 8, 8),
                        invalid,
                        "pixels.datatype: expected UINT8, got FP32"),
                infer(
                        "three channels",
                        image("toy.encoder", 1, 3, 8, 8),
                        invalid,
                        "pixels.shape: expected [N,1,8,8] with N ≥ 1, got [1,3,8,8]"),
                infer(
                        "rank 3",
                        image("toy.encoder", 1, 8, 8),
                        invalid,
                        "pixels.shape: expected [N,1,8,8] with N ≥ 1, got [1,8,8]"),
                infer(
                        "empty batch",
                        image("toy.encoder", 0, 1, 8, 8),
                        invalid,
                        "pixels.shape: expected [N,1,8,8] with N ≥ 1, got [0,1,8,8]"),
                infer(
                        "not a multiple of the factor",
                        image("any.encoder", 1, 1, 12, 6),
                        invalid,
                        "pixels.shape: expected [N,1,H,W] with N ≥ 1 and H, W positive multiples"
                                + " of 4, got [1,1,12,6]"),
                infer(
                        "raw byte count",
                        raw("toy.encoder", "", "", "pixels", "UINT8", new byte[63], 1, 1, 8, 8),
                        invalid,
                        "raw_input_contents[0]: expected 64 bytes for shape [1,1,8,8], got 63"),
                infer(
                        "typed value count",
                        KServeRequests.typedUint8("toy.encoder", "pixels", new byte[3], 1, 1, 8, 8),
                        invalid,
                        "pixels.contents.uint_contents: expected 64 values for shape [1,1,8,8],"
                                + " got 3"),
                infer(
                        "typed value over 255",
                        typedWithValue(256),
                        invalid,
                        "pixels.contents.uint_contents[5]: expected a UINT8 value in [0,255], got"
                                + " 256"),
                infer(
                        "two raw entries",
                        good.toBuilder().addRawInputContents(ByteString.copyFrom(new byte[64])).build(),
                        invalid,
                        "raw_input_contents: expected one entry per input (1), got 2"),
                infer(
                        "raw and typed at once",
                        good.toBuilder()
                                .setInputs(
                                        0,
                                        good.getInputs(0).toBuilder()
                                                .setContents(
                                                        InferTensorContents.newBuilder()
                                                                .addUintContents(1)))
                                .build(),
                        invalid,
                        "pixels.contents: expected none when raw_input_contents carries the data"),
                infer(
                        "input of another name",
                        raw("toy.encoder", "", "", "image", "UINT8", new byte[64], 1, 1, 8, 8),
                        invalid,
                        "inputs[0].name: expected \"pixels\", got \"image\""),
                infer(
                        "no input",
                        ModelInferRequest.newBuilder().setModelName("toy.encoder").build(),
                        invalid,
                        "inputs: expected one input \"pixels\", got []"),
                infer(
                        "two inputs",
                        good.toBuilder().addInputs(tensor("extra", "UINT8", 1)).build(),
                        invalid,
                        "inputs: expected one input \"pixels\", got [\"pixels\", \"extra\"]"),
                infer(
                        "an output the model does not have",
                        good.toBuilder()
                                .addOutputs(
                                        ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                                                .setName("latents"))
                                .build(),
                        invalid,
                        "outputs[0].name: expected \"tokens\", the only output of toy.encoder, got"
                                + " \"latents\""),
                infer(
                        "INT64 tokens",
                        raw("toy.decoder", "", "", "tokens", "INT64", new byte[32], 1, 2, 2),
                        invalid,
                        "tokens.datatype: expected INT32, got INT64"),
                infer(
                        "grid of the wrong shape",
                        raw("toy.decoder", "", "", "tokens", "INT32", new byte[24], 1, 3, 2),
                        invalid,
                        "tokens.shape: expected [N,2,2] with N ≥ 1, got [1,3,2]"),
                infer(
                        "raw tokens not a whole number of INT32",
                        raw("toy.decoder", "", "", "tokens", "INT32", new byte[15], 1, 2, 2),
                        invalid,
                        "raw_input_contents[0]: expected 16 bytes for shape [1,2,2], got 15"),
                infer(
                        "token id = K",
                        grid("toy.decoder", 0, 16, 1, 2),
                        invalid,
                        "raw_input_contents[0][1]: expected a token id in [0,16), got 16"),
                infer(
                        "negative typed token id",
                        KServeRequests.typedInt32("toy.decoder", "tokens", new int[] {-1, 0, 0, 0},
                                1, 2, 2),
                        invalid,
                        "tokens.contents.int_contents[0]: expected a token id in [0,16), got -1"),
                infer(
                        "unknown model",
                        image("nope.encoder", 1, 1, 8, 8),
                        notFound,
                        "model_name: no model \"nope.encoder\"; the server holds [any.decoder,"
                                + " any.encoder, toy.decoder, toy.encoder]"),
                infer(
                        "tokenizer name without .encoder or .decoder",
                        image("toy", 1, 1, 8, 8),
                        notFound,
                        "model_name: no model \"toy\"; the server holds"),
                infer(
                        "empty model name",
                        image("", 1, 1, 8, 8),
                        invalid,
                        "model_name: expected NAME.encoder or NAME.decoder, got an empty name"),
                infer(
                        "unknown version",
                        good.toBuilder().setModelVersion("7").build(),
                        notFound,
                        "model_version: model \"toy.encoder\" has no version \"7\"; it has [1, 2]"),
                infer(
                        "name escaping the repository",
                        image("../toy.encoder", 1, 1, 8, 8),
                        invalid,
                        "model_name: expected a name of at most 128 characters without '/'"),
                infer(
                        "batch over the limit",
                        image("toy.encoder", 5, 1, 8, 8),
                        exhausted,
                        "pixels.shape[0]: batch of 5 is over this server's limit of 4"),
                infer(
                        "an image worth more than the limit",
                        image("any.encoder", 1, 1, 24, 16),
                        exhausted,
                        "pixels.shape: 1 images of 16x24 count as 6 images of 8x8 (the model's"
                                + " training size) toward this server's limit of 4"),
                new Bad(
                        "metadata of an unknown model",
                        s ->
                                s.modelMetadata(
                                        ModelMetadataRequest.newBuilder()
                                                .setName("nope.decoder")
                                                .build()),
                        notFound,
                        "model_name: no model \"nope.decoder\""));
    }

    private static ModelInferRequest typedWithValue(int value) {
        ModelInferRequest r = KServeRequests.typedUint8("toy.encoder", "pixels", new byte[64], 1, 1, 8, 8);
        return r.toBuilder()
                .setInputs(
                        0,
                        r.getInputs(0).toBuilder()
                                .setContents(
                                        r.getInputs(0).getContents().toBuilder()
                                                .setUintContents(5, value)))
                .build();
    }

    @Test
    void everyMalformedRequestGetsItsStatusAndTheServerKeepsAnswering() {
        ModelInferRequest good =
                raw("toy.encoder", "", "", "pixels", "UINT8", ToyImages.quadrants(), 1, 1, 8, 8);
        for (Bad bad : table()) {
            StatusRuntimeException e =
                    assertThrows(
                            StatusRuntimeException.class,
                            () -> bad.call().apply(stub),
                            bad.label());
            String description = String.valueOf(e.getStatus().getDescription());
            assertAll(
                    bad.label(),
                    () -> assertEquals(bad.code(), e.getStatus().getCode(), description),
                    () ->
                            assertEquals(
                                    bad.message(),
                                    description.substring(
                                            0, Math.min(description.length(), bad.message().length())),
                                    description));
            assertArrayEquals(
                    ToyImages.QUADRANT_TOKENS,
                    KServeRequests.int32s(stub.modelInfer(good).getRawOutputContents(0)),
                    "good request after " + bad.label());
        }
    }
}
