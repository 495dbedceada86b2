package dev.tessera.runtime.server;

import dev.tessera.api.v1.DecodeRequest;
import dev.tessera.api.v1.DecodeResponse;
import dev.tessera.api.v1.EncodeRequest;
import dev.tessera.api.v1.EncodeResponse;
import dev.tessera.api.v1.GetModelRequest;
import dev.tessera.api.v1.GetModelResponse;
import dev.tessera.api.v1.ListModelsRequest;
import dev.tessera.api.v1.ListModelsResponse;
import dev.tessera.api.v1.TokenizerServiceGrpc;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.WireTensors;
import dev.tessera.runtime.onnx.Tokenizer;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code tessera.v1.TokenizerService} implementation over a {@link ModelRegistry}.
 *
 * <p>Each request resolves its model (holding a lease on it until answered, so hot reload never
 * fails it), is checked against the model's shapes on the calling thread, then waits in the model's
 * dynamic batcher for a merged ONNX Runtime run; the answer echoes {@code request_id} and the model
 * name and version used. The streaming methods handle each message the same way and answer in order
 * (see {@link OrderedStream}). Errors follow docs/serving.md (see {@link ErrorStatuses}); while the
 * server is still loading its models every call is {@code UNAVAILABLE}. No request can stop the
 * server. What it shares with the KServe API is in {@link ModelCalls}.
 */
public final class TokenizerGrpcService extends TokenizerServiceGrpc.TokenizerServiceImplBase {

    private final ModelCalls calls;
    private final int streamWindow;

    /**
     * @param calls the server's models, batchers and answer executor
     * @param streamWindow most messages of one stream in the server at a time
     */
    TokenizerGrpcService(ModelCalls calls, int streamWindow) {
        this.calls = Objects.requireNonNull(calls, "calls");
        this.streamWindow = streamWindow;
    }

    @Override
    public void encode(EncodeRequest request, StreamObserver<EncodeResponse> response) {
        CallInfo.current().requestId(request.getRequestId());
        calls.respond(response, "Encode", () -> encode(request));
    }

    @Override
    public void decode(DecodeRequest request, StreamObserver<DecodeResponse> response) {
        CallInfo.current().requestId(request.getRequestId());
        calls.respond(response, "Decode", () -> decode(request));
    }

    @Override
    public StreamObserver<EncodeRequest> encodeStream(StreamObserver<EncodeResponse> response) {
        return new OrderedStream<>(
                (ServerCallStreamObserver<EncodeResponse>) response,
                "EncodeStream",
                streamWindow,
                request -> ModelCalls.started(() -> encode(request)),
                EncodeRequest::getRequestId,
                calls.responses());
    }

    @Override
    public StreamObserver<DecodeRequest> decodeStream(StreamObserver<DecodeResponse> response) {
        return new OrderedStream<>(
                (ServerCallStreamObserver<DecodeResponse>) response,
                "DecodeStream",
                streamWindow,
                request -> ModelCalls.started(() -> decode(request)),
                DecodeRequest::getRequestId,
                calls.responses());
    }

    @Override
    public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> response) {
        calls.respond(
                response,
                "ListModels",
                () -> {
                    calls.checkReady();
                    ListModelsResponse.Builder list = ListModelsResponse.newBuilder();
                    calls.registry().all().forEach(t -> list.addModels(t.summary()));
                    return CompletableFuture.completedFuture(list.build());
                });
    }

    @Override
    public void getModel(GetModelRequest request, StreamObserver<GetModelResponse> response) {
        calls.respond(
                response,
                "GetModel",
                () -> {
                    calls.checkReady();
                    Tokenizer t = calls.registry().resolve(request.getModel());
                    CallInfo.current().model(t.name(), t.version());
                    return CompletableFuture.completedFuture(
                            GetModelResponse.newBuilder()
                                    .setSummary(t.summary())
                                    .setManifest(t.manifest())
                                    .build());
                });
    }

    private CompletableFuture<EncodeResponse> encode(EncodeRequest request) {
        return calls.withModel(
                request.getModel(),
                (lease, context) -> {
                    Tokenizer t = lease.tokenizer();
                    ImageBatch images = ProtoConversions.images(request, t, calls.maxBatch());
                    return calls.batchers(lease)
                            .encode(images, context)
                            .thenApply(
                                    tokens ->
                                            EncodeResponse.newBuilder()
                                                    .setTokens(WireTensors.tokenGrid(tokens))
                                                    .setModel(ProtoConversions.modelRef(t))
                                                    .setRequestId(request.getRequestId())
                                                    .build());
                });
    }

    private CompletableFuture<DecodeResponse> decode(DecodeRequest request) {
        return calls.withModel(
                request.getModel(),
                (lease, context) -> {
                    Tokenizer t = lease.tokenizer();
                    TokenBatch tokens =
                            ProtoConversions.tokens(request.getTokens(), t, calls.maxBatch());
                    return calls.batchers(lease)
                            .decode(tokens, context)
                            .thenApply(
                                    images ->
                                            DecodeResponse.newBuilder()
                                                    .setPixels(WireTensors.rawPixels(images))
                                                    .setModel(ProtoConversions.modelRef(t))
                                                    .setRequestId(request.getRequestId())
                                                    .build());
                });
    }
}
