package dev.tessera.runtime.server;

import dev.tessera.api.inference.GRPCInferenceServiceGrpc;
import dev.tessera.api.inference.ModelInferRequest;
import dev.tessera.api.inference.ModelInferResponse;
import dev.tessera.api.inference.ModelMetadataRequest;
import dev.tessera.api.inference.ModelMetadataResponse;
import dev.tessera.api.inference.ModelReadyRequest;
import dev.tessera.api.inference.ModelReadyResponse;
import dev.tessera.api.inference.ServerLiveRequest;
import dev.tessera.api.inference.ServerLiveResponse;
import dev.tessera.api.inference.ServerMetadataRequest;
import dev.tessera.api.inference.ServerMetadataResponse;
import dev.tessera.api.inference.ServerReadyRequest;
import dev.tessera.api.inference.ServerReadyResponse;
import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.triton.TritonRepository;

import io.grpc.stub.StreamObserver;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The Open Inference Protocol (KServe v2, {@code inference.GRPCInferenceService}) over the same
 * models, batchers, limits, authentication, metrics and health as the native API ({@link
 * ModelCalls}): each tokenizer {@code NAME} is the two models {@code NAME.encoder} and {@code
 * NAME.decoder} ({@link InferenceModel}), their versions the repository's. {@code ModelInfer} takes
 * its input in {@code raw_input_contents} or in the typed {@code contents}, answers in {@code
 * raw_output_contents} and echoes the request's {@code id}; the tokens and pixels are those of the
 * native {@code Encode} and {@code Decode}. Refusals follow the native API's error table.
 */
public final class InferenceGrpcService
        extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    /** The server name {@code ServerMetadata} reports. */
    static final String SERVER_NAME = "tessera";

    private final ModelCalls calls;

    InferenceGrpcService(ModelCalls calls) {
        this.calls = Objects.requireNonNull(calls, "calls");
    }

    /** Live while the process answers at all, loading included. */
    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> response) {
        calls.respond(
                response,
                "ServerLive",
                () ->
                        CompletableFuture.completedFuture(
                                ServerLiveResponse.newBuilder().setLive(true).build()));
    }

    /** Ready once every model given at start-up is loaded. */
    @Override
    public void serverReady(
            ServerReadyRequest request, StreamObserver<ServerReadyResponse> response) {
        calls.respond(
                response,
                "ServerReady",
                () ->
                        CompletableFuture.completedFuture(
                                ServerReadyResponse.newBuilder().setReady(calls.ready()).build()));
    }

    /** Ready if the server is and holds the model (and version); an unknown one is not ready. */
    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> response) {
        calls.respond(
                response,
                "ModelReady",
                () -> {
                    boolean ready = calls.ready();
                    try {
                        InferenceModel.resolve(
                                request.getName(), request.getVersion(), calls.registry());
                    } catch (InvalidInputException | UnknownModelException e) {
                        ready = false;
                    }
                    return CompletableFuture.completedFuture(
                            ModelReadyResponse.newBuilder().setReady(ready).build());
                });
    }

    @Override
    public void serverMetadata(
            ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> response) {
        String version = InferenceGrpcService.class.getPackage().getImplementationVersion();
        calls.respond(
                response,
                "ServerMetadata",
                () ->
                        CompletableFuture.completedFuture(
                                ServerMetadataResponse.newBuilder()
                                        .setName(SERVER_NAME)
                                        .setVersion(version == null ? "dev" : version)
                                        .build()));
    }

    /**
     * Every version of the model, and the tensors of the one the request names (the highest when it
     * names none).
     */
    @Override
    public void modelMetadata(
            ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> response) {
        calls.respond(
                response,
                "ModelMetadata",
                () -> {
                    calls.checkReady();
                    InferenceModel.Target target =
                            InferenceModel.resolve(
                                    request.getName(), request.getVersion(), calls.registry());
                    Tokenizer t = calls.registry().resolve(target.ref());
                    CallInfo.current().model(t.name(), t.version());
                    return CompletableFuture.completedFuture(
                            ModelMetadataResponse.newBuilder()
                                    .setName(target.name())
                                    .addAllVersions(calls.registry().versions(t.name()))
                                    .setPlatform(TritonRepository.PLATFORM)
                                    .addInputs(target.kind().inputMetadata(t))
                                    .addOutputs(target.kind().outputMetadata(t))
                                    .build());
                });
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> response) {
        CallInfo.current().requestId(request.getId());
        calls.respond(response, "ModelInfer", () -> infer(request));
    }

    private CompletableFuture<ModelInferResponse> infer(ModelInferRequest r) {
        calls.checkReady();
        InferenceModel.Target target =
                InferenceModel.resolve(r.getModelName(), r.getModelVersion(), calls.registry());
        InferenceTensors.checkRequestedOutputs(r, target.kind(), target.name());
        return calls.withModel(
                target.ref(),
                (lease, context) -> {
                    Tokenizer t = lease.tokenizer();
                    ModelBatchers batchers = calls.batchers(lease);
                    if (target.kind() == InferenceModel.ENCODER) {
                        return batchers.encode(
                                        InferenceTensors.images(r, t, calls.maxBatch()), context)
                                .thenApply(
                                        tokens ->
                                                InferenceTensors.tokensResponse(
                                                        r, t.version(), tokens));
                    }
                    return batchers.decode(InferenceTensors.tokens(r, t, calls.maxBatch()), context)
                            .thenApply(
                                    images ->
                                            InferenceTensors.pixelsResponse(
                                                    r, t.version(), images));
                });
    }
}
