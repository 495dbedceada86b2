package dev.tessera.runtime.server;

import dev.tessera.api.v1.DecodeRequest;
import dev.tessera.api.v1.DecodeResponse;
import dev.tessera.api.v1.EncodeRequest;
import dev.tessera.api.v1.EncodeResponse;
import dev.tessera.api.v1.GetModelRequest;
import dev.tessera.api.v1.GetModelResponse;
import dev.tessera.api.v1.ListModelsRequest;
import dev.tessera.api.v1.ListModelsResponse;
import dev.tessera.api.v1.ModelRef;
import dev.tessera.api.v1.TokenizerServiceGrpc;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.WireTensors;
import dev.tessera.runtime.onnx.Tokenizer;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The {@code tessera.v1.TokenizerService} implementation over a {@link ModelRegistry}.
 *
 * <p>Each request resolves its model (holding a lease on it until answered, so hot reload never
 * fails it), is checked against the model's shapes on the calling thread, then waits in the model's
 * dynamic batcher for a merged ONNX Runtime run; the answer echoes {@code request_id} and the model
 * name and version used. The streaming methods handle each message the same way and answer in order
 * (see {@link OrderedStream}). Errors follow docs/serving.md (see {@link ErrorStatuses}); while the
 * server is still loading its models every call is {@code UNAVAILABLE}. No request can stop the
 * server.
 */
public final class TokenizerGrpcService extends TokenizerServiceGrpc.TokenizerServiceImplBase {

    private final ModelRegistry registry;
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final Executor responses;
    private final BooleanSupplier ready;

    /**
     * @param registry the models to serve
     * @param config batching policy and limits
     * @param metrics where batch metrics go
     * @param responses completes the batchers' runs: builds and sends the answers, off the runs'
     *     threads
     * @param ready false while the server is still loading its models
     */
    TokenizerGrpcService(
            ModelRegistry registry,
            ServerConfig config,
            ServerMetrics metrics,
            Executor responses,
            BooleanSupplier ready) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.config = Objects.requireNonNull(config, "config");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.responses = Objects.requireNonNull(responses, "responses");
        this.ready = Objects.requireNonNull(ready, "ready");
    }

    @Override
    public void encode(EncodeRequest request, StreamObserver<EncodeResponse> response) {
        CallInfo.current().requestId(request.getRequestId());
        respond(response, "Encode", () -> encode(request));
    }

    @Override
    public void decode(DecodeRequest request, StreamObserver<DecodeResponse> response) {
        CallInfo.current().requestId(request.getRequestId());
        respond(response, "Decode", () -> decode(request));
    }

    @Override
    public StreamObserver<EncodeRequest> encodeStream(StreamObserver<EncodeResponse> response) {
        return new OrderedStream<>(
                (ServerCallStreamObserver<EncodeResponse>) response,
                "EncodeStream",
                config.limits().streamWindow(),
                request -> started(() -> encode(request)),
                EncodeRequest::getRequestId,
                responses);
    }

    @Override
    public StreamObserver<DecodeRequest> decodeStream(StreamObserver<DecodeResponse> response) {
        return new OrderedStream<>(
                (ServerCallStreamObserver<DecodeResponse>) response,
                "DecodeStream",
                config.limits().streamWindow(),
                request -> started(() -> decode(request)),
                DecodeRequest::getRequestId,
                responses);
    }

    @Override
    public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> response) {
        respond(
                response,
                "ListModels",
                () -> {
                    checkReady();
                    ListModelsResponse.Builder list = ListModelsResponse.newBuilder();
                    registry.all().forEach(t -> list.addModels(t.summary()));
                    return CompletableFuture.completedFuture(list.build());
                });
    }

    @Override
    public void getModel(GetModelRequest request, StreamObserver<GetModelResponse> response) {
        respond(
                response,
                "GetModel",
                () -> {
                    checkReady();
                    Tokenizer t = registry.resolve(request.getModel());
                    CallInfo.current().model(t.name(), t.version());
                    return CompletableFuture.completedFuture(
                            GetModelResponse.newBuilder()
                                    .setSummary(t.summary())
                                    .setManifest(t.manifest())
                                    .build());
                });
    }

    private CompletableFuture<EncodeResponse> encode(EncodeRequest request) {
        return run(
                request.getModel(),
                (lease, context) -> {
                    Tokenizer t = lease.tokenizer();
                    ImageBatch images = ProtoConversions.images(request, t, config.maxBatch());
                    return batchers(lease)
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
        return run(
                request.getModel(),
                (lease, context) -> {
                    Tokenizer t = lease.tokenizer();
                    TokenBatch tokens =
                            ProtoConversions.tokens(request.getTokens(), t, config.maxBatch());
                    return batchers(lease)
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

    /**
     * Leases the model, runs {@code work} and releases the lease when its future completes (on
     * whatever thread completes it), so that a model removed meanwhile closes only afterwards.
     */
    private <T> CompletableFuture<T> run(
            ModelRef ref, BiFunction<ModelLease, Context, CompletableFuture<T>> work) {
        checkReady();
        Context context = Context.current();
        ModelLease lease = registry.acquire(ref);
        CompletableFuture<T> result;
        try {
            CallInfo.current().model(lease.model().name(), lease.model().version());
            result = work.apply(lease, context);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
        result.whenComplete((value, error) -> lease.close());
        return result;
    }

    private ModelBatchers batchers(ModelLease lease) {
        return lease.model()
                .batchers(
                        tokenizer ->
                                new ModelBatchers(
                                        tokenizer,
                                        config.batching(),
                                        metrics,
                                        responses,
                                        config.batchTicker()));
    }

    private void checkReady() {
        if (!ready.getAsBoolean()) {
            throw Status.UNAVAILABLE
                    .withDescription("the server is still loading its models; retry shortly")
                    .asRuntimeException();
        }
    }

    /** The call's work, or its failure as a failed future. */
    private static <T> CompletableFuture<T> started(Supplier<CompletableFuture<T>> call) {
        Context context = Context.current();
        if (context.isCancelled()) {
            return CompletableFuture.failedFuture(
                    Contexts.statusFromCancelled(context).asRuntimeException());
        }
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private <T> void respond(
            StreamObserver<T> observer, String method, Supplier<CompletableFuture<T>> call) {
        CallInfo info = CallInfo.current();
        // The batchers complete on the responses executor, so the answer is sent from there (or
        // from the calling thread for a call that failed before its turn) without another hop.
        started(call)
                .whenComplete(
                        (value, error) -> {
                            if (error != null) {
                                observer.onError(
                                        ErrorStatuses.of(error, method, info).asRuntimeException());
                            } else {
                                observer.onNext(value);
                                observer.onCompleted();
                            }
                        });
    }
}
