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
import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.Tokenizer;
import dev.tessera.runtime.TokenizerClosedException;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The {@code tessera.v1.TokenizerService} implementation over a {@link ModelRegistry}.
 *
 * <p>Each call resolves its model, checks the request against the model's shapes and answers with
 * the library's result, echoing {@code request_id} and the model name and version used. A bad
 * request is {@code INVALID_ARGUMENT} with a message naming the field and the expected value; an
 * unknown model or version is {@code NOT_FOUND}; a batch over the limit is {@code
 * RESOURCE_EXHAUSTED}; a closed model is {@code UNAVAILABLE}; anything unexpected is logged and
 * answered {@code INTERNAL}. No request can stop the server.
 */
public final class TokenizerGrpcService extends TokenizerServiceGrpc.TokenizerServiceImplBase {

    private static final System.Logger LOG = System.getLogger(TokenizerGrpcService.class.getName());

    private final ModelRegistry registry;
    private final int maxBatch;

    /**
     * @param registry the models to serve
     * @param maxBatch most images or grids one request may carry
     */
    public TokenizerGrpcService(ModelRegistry registry, int maxBatch) {
        this.registry = Objects.requireNonNull(registry, "registry");
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch: expected ≥ 1, got " + maxBatch);
        }
        this.maxBatch = maxBatch;
    }

    @Override
    public void encode(EncodeRequest request, StreamObserver<EncodeResponse> response) {
        respond(
                response,
                "Encode",
                () -> {
                    Tokenizer t = registry.resolve(request.getModel());
                    ImageBatch images = ProtoConversions.images(request, t, maxBatch);
                    TokenBatch tokens = t.encode(images);
                    return EncodeResponse.newBuilder()
                            .setTokens(ProtoConversions.tokenGrid(tokens))
                            .setModel(ProtoConversions.modelRef(t))
                            .setRequestId(request.getRequestId())
                            .build();
                });
    }

    @Override
    public void decode(DecodeRequest request, StreamObserver<DecodeResponse> response) {
        respond(
                response,
                "Decode",
                () -> {
                    Tokenizer t = registry.resolve(request.getModel());
                    TokenBatch tokens = ProtoConversions.tokens(request.getTokens(), t, maxBatch);
                    ImageBatch images = t.decode(tokens);
                    return DecodeResponse.newBuilder()
                            .setPixels(ProtoConversions.rawPixels(images))
                            .setModel(ProtoConversions.modelRef(t))
                            .setRequestId(request.getRequestId())
                            .build();
                });
    }

    @Override
    public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> response) {
        respond(
                response,
                "ListModels",
                () -> {
                    ListModelsResponse.Builder list = ListModelsResponse.newBuilder();
                    registry.all().forEach(t -> list.addModels(ProtoConversions.summary(t)));
                    return list.build();
                });
    }

    @Override
    public void getModel(GetModelRequest request, StreamObserver<GetModelResponse> response) {
        respond(
                response,
                "GetModel",
                () -> {
                    Tokenizer t = registry.resolve(request.getModel());
                    return GetModelResponse.newBuilder()
                            .setSummary(ProtoConversions.summary(t))
                            .setManifest(t.manifest())
                            .build();
                });
    }

    private <T> void respond(StreamObserver<T> observer, String method, Supplier<T> call) {
        Context context = Context.current();
        if (context.isCancelled()) {
            observer.onError(Contexts.statusFromCancelled(context).asRuntimeException());
            return;
        }
        T result;
        try {
            result = call.get();
        } catch (InvalidInputException e) {
            observer.onError(
                    Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (UnknownModelException e) {
            observer.onError(Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (BatchLimitException e) {
            observer.onError(
                    Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (TokenizerClosedException e) {
            observer.onError(
                    Status.UNAVAILABLE
                            .withDescription(
                                    e.getMessage()
                                            + "; the server is shutting down, retry on another"
                                            + " instance")
                            .asRuntimeException());
            return;
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, method + " failed unexpectedly", e);
            observer.onError(
                    Status.INTERNAL
                            .withDescription(
                                    method
                                            + " failed inside the server ("
                                            + e.getClass().getSimpleName()
                                            + "); the server log has the details")
                            .asRuntimeException());
            return;
        }
        observer.onNext(result);
        observer.onCompleted();
    }
}
