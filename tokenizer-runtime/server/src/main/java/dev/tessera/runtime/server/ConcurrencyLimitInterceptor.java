package dev.tessera.runtime.server;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Caps the calls served at once over all connections: a call over the cap is closed {@code
 * RESOURCE_EXHAUSTED} at once, so that overload turns into fast, retryable refusals instead of
 * unbounded threads and memory. A slot is held from the call's start until the server closes it or
 * it is cancelled; a streaming call holds one slot for its whole life.
 */
final class ConcurrencyLimitInterceptor implements ServerInterceptor {

    private final int limit;
    private final Semaphore slots;

    ConcurrencyLimitInterceptor(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit: expected ≥ 1, got " + limit);
        }
        this.limit = limit;
        this.slots = new Semaphore(limit);
    }

    /** Calls holding a slot now. */
    int inFlight() {
        return limit - slots.availablePermits();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (!slots.tryAcquire()) {
            call.close(
                    Status.RESOURCE_EXHAUSTED.withDescription(
                            "the server is already serving its limit of "
                                    + limit
                                    + " calls at once (--max-concurrent-calls); retry with"
                                    + " backoff"),
                    new Metadata());
            return new ServerCall.Listener<>() {};
        }
        AtomicBoolean released = new AtomicBoolean();
        Runnable release =
                () -> {
                    if (released.compareAndSet(false, true)) {
                        slots.release();
                    }
                };
        // Released when the server closes the call (its work is done, even if the client has not
        // yet read the status) or when the call is cancelled, whichever comes first.
        ServerCall<Q, R> releasingCall =
                new SimpleForwardingServerCall<>(call) {
                    @Override
                    public void close(Status status, Metadata trailers) {
                        release.run();
                        super.close(status, trailers);
                    }
                };
        ServerCall.Listener<Q> delegate;
        try {
            delegate = next.startCall(releasingCall, headers);
        } catch (RuntimeException | Error e) {
            release.run();
            throw e;
        }
        return new SimpleForwardingServerCallListener<>(delegate) {
            @Override
            public void onComplete() {
                release.run();
                super.onComplete();
            }

            @Override
            public void onCancel() {
                release.run();
                super.onCancel();
            }
        };
    }
}
