package dev.tessera.runtime.server;

import dev.tessera.api.v1.ModelRef;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What every call of both gRPC APIs (the native {@link TokenizerGrpcService} and the Open Inference
 * Protocol's {@link InferenceGrpcService}) does around its own work: refuse while the server is
 * still loading, hold a lease on the model it names until its answer is complete (so hot reload
 * never fails it), reach the model's batchers, and answer on the response executor or map its
 * failure to a status ({@link ErrorStatuses}). Sharing this is what makes the two APIs share
 * batching, limits, health and metrics.
 */
final class ModelCalls {

    private final ModelRegistry registry;
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final Executor responses;
    private final BooleanSupplier ready;

    /**
     * @param registry the models to serve
     * @param config batching policy and limits
     * @param metrics where batch metrics go
     * @param responses completes the batchers' runs of several requests: builds and sends their
     *     answers, off the runs' threads
     * @param ready false while the server is still loading its models
     */
    ModelCalls(
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

    ModelRegistry registry() {
        return registry;
    }

    /** The most images (of the training size) or grids one request may hold. */
    int maxBatch() {
        return config.maxBatch();
    }

    /** Where answers are built and sent. */
    Executor responses() {
        return responses;
    }

    /** Whether every model has been loaded. */
    boolean ready() {
        return ready.getAsBoolean();
    }

    /**
     * @throws io.grpc.StatusRuntimeException {@code UNAVAILABLE} while the server is still loading
     */
    void checkReady() {
        if (!ready()) {
            throw Status.UNAVAILABLE
                    .withDescription("the server is still loading its models; retry shortly")
                    .asRuntimeException();
        }
    }

    /**
     * Leases the model {@code ref} names, records it for the call's metrics and log line, runs
     * {@code work} with the call's context and releases the lease when its future completes (on
     * whatever thread completes it), so that a model removed meanwhile closes only afterwards.
     */
    <T> CompletableFuture<T> withModel(
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

    /**
     * The leased model's batchers of this server, created on first use. Keyed by this server's
     * metrics: each server batches with its own policy ({@link ServedModel}), and both of its APIs
     * share them.
     */
    ModelBatchers batchers(ModelLease lease) {
        return lease.model()
                .batchers(
                        metrics,
                        tokenizer ->
                                new ModelBatchers(
                                        tokenizer,
                                        config.batching(),
                                        metrics,
                                        responses,
                                        config.batchTicker()));
    }

    /** The call's work, or its failure (a cancelled call's status included) as a failed future. */
    static <T> CompletableFuture<T> started(Supplier<CompletableFuture<T>> call) {
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

    /**
     * Runs a unary call's work and sends its answer, or its failure as the status {@link
     * ErrorStatuses} maps it to.
     *
     * @param method the method's short name, for an internal error's message
     */
    <T> void respond(
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
