package dev.tessera.runtime.server;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The server side of a bidirectional streaming call whose requests are handled concurrently (and
 * batched with other callers') but answered strictly in request order.
 *
 * <p>At most {@code window} requests are in the server at once: the stream asks gRPC for the next
 * request only when one has been answered and the client is reading, so a client that sends faster
 * than the model runs, or reads slower, is slowed down instead of filling the server's memory.
 *
 * <p>The first request that fails ends the stream with its status, its description prefixed with
 * {@code request_id "<id>" (message <n>): }; answers to earlier requests are sent first, later
 * requests get none. A cancelled call drops what is pending.
 *
 * @param <Q> request message
 * @param <R> response message
 */
final class OrderedStream<Q, R> implements StreamObserver<Q> {

    private final ServerCallStreamObserver<R> out;
    private final String method;
    private final Function<Q, CompletableFuture<R>> handler;
    private final Function<Q, String> requestIdOf;
    private final Executor executor;
    private final CallInfo info;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>(); // guarded by this
    private int received; // guarded by this
    private int credits; // requests to ask gRPC for once the client reads; guarded by this
    private boolean inputDone; // guarded by this
    private boolean finished; // guarded by this

    private final class Pending {
        final int index;
        final String requestId;
        final CompletableFuture<R> result;

        Pending(int index, String requestId, CompletableFuture<R> result) {
            this.index = index;
            this.requestId = requestId;
            this.result = result;
        }
    }

    /**
     * Sets up flow control on {@code out}; call from the service method before returning this
     * observer to gRPC.
     *
     * @param handler starts one request; its future completes with the answer or the failure
     */
    OrderedStream(
            ServerCallStreamObserver<R> out,
            String method,
            int window,
            Function<Q, CompletableFuture<R>> handler,
            Function<Q, String> requestIdOf,
            Executor executor) {
        this.out = out;
        this.method = method;
        this.handler = handler;
        this.requestIdOf = requestIdOf;
        this.executor = executor;
        this.info = CallInfo.current();
        out.disableAutoRequest();
        out.setOnCancelHandler(this::cancelled);
        out.setOnReadyHandler(this::grantCredits);
        out.request(window);
    }

    @Override
    public void onNext(Q request) {
        String id = requestIdOf.apply(request);
        CompletableFuture<R> result;
        try {
            result = handler.apply(request);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        synchronized (this) {
            if (finished) {
                return;
            }
            pending.addLast(new Pending(++received, id, result));
        }
        result.whenCompleteAsync((r, e) -> emit(), executor);
    }

    @Override
    public void onError(Throwable t) {
        // The client cancelled or the transport failed: nobody is listening any more.
        cancelled();
    }

    @Override
    public void onCompleted() {
        synchronized (this) {
            inputDone = true;
        }
        emit();
    }

    private synchronized void cancelled() {
        finished = true;
        pending.clear();
    }

    /** Sends every answer at the head of the queue that is ready, in order; ends when due. */
    private synchronized void emit() {
        while (!finished && !pending.isEmpty() && pending.peekFirst().result.isDone()) {
            Pending head = pending.pollFirst();
            R value;
            try {
                value = head.result.join();
            } catch (RuntimeException e) {
                fail(head, e);
                return;
            }
            out.onNext(value);
            credits++;
        }
        if (!finished && inputDone && pending.isEmpty()) {
            finished = true;
            out.onCompleted();
            return;
        }
        grantCredits();
    }

    private void fail(Pending head, Throwable error) {
        finished = true;
        pending.clear();
        info.requestId(head.requestId);
        Status status = ErrorStatuses.of(error, method, info);
        String prefix = "request_id " + quoted(head.requestId) + " (message " + head.index + "): ";
        String description =
                status.getDescription() != null ? status.getDescription() : status.getCode().name();
        out.onError(status.withDescription(prefix + description).asRuntimeException());
    }

    /** The id in quotes, cut to 100 characters: it is the caller's free text. */
    private static String quoted(String id) {
        String shown = id.length() > 100 ? id.substring(0, 100) + "…" : id;
        return "\"" + shown.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private synchronized void grantCredits() {
        if (!finished && credits > 0 && out.isReady()) {
            out.request(credits);
            credits = 0;
        }
    }
}
