package dev.tessera.runtime.server;

import io.grpc.stub.StreamObserver;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Collects the responses of a streaming call and how it ended. */
class StreamRecorder<T> implements StreamObserver<T> {

    final List<T> values = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private final Semaphore arrived = new Semaphore(0);
    private int awaited; // only the test's thread awaits

    @Override
    public void onNext(T value) {
        values.add(value);
        arrived.release();
    }

    /** Waits until {@code n} responses have arrived in all (at most 30 s, then fails). */
    void awaitValues(int n) throws InterruptedException {
        if (n > awaited) {
            if (!arrived.tryAcquire(n - awaited, 30, TimeUnit.SECONDS)) {
                throw new AssertionError("expected " + n + " responses, got " + values.size());
            }
            awaited = n;
        }
    }

    @Override
    public void onError(Throwable t) {
        done.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
        done.complete(null);
    }
}
