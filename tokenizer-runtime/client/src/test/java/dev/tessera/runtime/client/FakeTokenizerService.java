package dev.tessera.runtime.client;

import dev.tessera.api.v1.EncodeRequest;
import dev.tessera.api.v1.EncodeResponse;
import dev.tessera.api.v1.ListModelsRequest;
import dev.tessera.api.v1.ListModelsResponse;
import dev.tessera.api.v1.ModelSummary;
import dev.tessera.api.v1.TokenGrid;
import dev.tessera.api.v1.TokenizerServiceGrpc;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted stand-in for the tokenizer service: Encode first answers the queued failures, one per
 * call, then succeeds with the token grid [N,1,1] holding 0..N-1; it can be made to hang until the
 * call is cancelled, and it records every call's {@code authorization} header.
 */
final class FakeTokenizerService extends TokenizerServiceGrpc.TokenizerServiceImplBase {

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    final AtomicInteger encodeCalls = new AtomicInteger();
    final Queue<Status> failures = new ConcurrentLinkedQueue<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    final List<String> requestIds = new CopyOnWriteArrayList<>();
    /** One permit per Encode call received. */
    final Semaphore received = new Semaphore(0);
    volatile boolean hang;

    /** The service with an interceptor that records the authorization header ("" when absent). */
    ServerServiceDefinition definition() {
        ServerInterceptor recordHeaders =
                new ServerInterceptor() {
                    @Override
                    public <Q, R> ServerCall.Listener<Q> interceptCall(
                            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                        String value = headers.get(AUTHORIZATION);
                        authorizations.add(value == null ? "" : value);
                        return next.startCall(call, headers);
                    }
                };
        return ServerInterceptors.intercept(bindService(), recordHeaders);
    }

    @Override
    public void encode(EncodeRequest request, StreamObserver<EncodeResponse> response) {
        encodeCalls.incrementAndGet();
        requestIds.add(request.getRequestId());
        received.release();
        if (hang) {
            awaitCancellation();
        }
        Status failure = failures.poll();
        if (failure != null) {
            response.onError(failure.asRuntimeException());
            return;
        }
        int n =
                request.hasPixels()
                        ? (int) request.getPixels().getShape(0)
                        : request.getEncoded().getImagesCount();
        TokenGrid.Builder grid = TokenGrid.newBuilder().addShape(n).addShape(1).addShape(1);
        for (int i = 0; i < n; i++) {
            grid.addIds(i);
        }
        response.onNext(EncodeResponse.newBuilder().setTokens(grid).build());
        response.onCompleted();
    }

    @Override
    public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> response) {
        response.onNext(
                ListModelsResponse.newBuilder()
                        .addModels(ModelSummary.newBuilder().setName("fake").setVersion("1"))
                        .build());
        response.onCompleted();
    }

    private static void awaitCancellation() {
        CountDownLatch cancelled = new CountDownLatch(1);
        Context.current().addListener(context -> cancelled.countDown(), Runnable::run);
        try {
            cancelled.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
