package dev.tessera.runtime.server;

import dev.tessera.runtime.onnx.Tokenizer;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One tokenizer version held by a {@link ModelRegistry}, with a count of the calls using it, so
 * that removing or replacing it never fails a call in flight: the registry drops its own reference
 * when it retires the model, each call holds a {@link ModelLease}, and the last one to let go
 * closes the batchers and the tokenizer.
 *
 * <p>Batchers belong to a server, not to the model: several servers may serve one registry, each
 * with its own batch policy and metrics, so the model keeps one set of batchers per server, keyed
 * by the server's {@link ServerMetrics} (one per server).
 */
final class ServedModel {

    private final Tokenizer tokenizer;
    // The registry's reference counts as one; 0 means closed, and then no lease can be taken.
    private final AtomicInteger references = new AtomicInteger(1);
    private final AtomicBoolean retired = new AtomicBoolean();
    private final Map<Object, ModelBatchers> batchers = new IdentityHashMap<>(); // guarded by this
    private boolean closed; // guarded by this

    ServedModel(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    Tokenizer tokenizer() {
        return tokenizer;
    }

    String name() {
        return tokenizer.name();
    }

    String version() {
        return tokenizer.version();
    }

    /** A lease for one call, or null if the model has already closed. */
    ModelLease tryAcquire() {
        while (true) {
            int n = references.get();
            if (n == 0) {
                return null;
            }
            if (references.compareAndSet(n, n + 1)) {
                return new ModelLease(this);
            }
        }
    }

    /**
     * The batchers of the server that {@code owner} stands for, created by {@code create} on that
     * server's first call. Call only while holding a lease, so the model cannot close meanwhile.
     */
    synchronized ModelBatchers batchers(Object owner, Function<Tokenizer, ModelBatchers> create) {
        if (closed) {
            throw new IllegalStateException(tokenizer + " is closed");
        }
        return batchers.computeIfAbsent(owner, o -> create.apply(tokenizer));
    }

    /** The batchers of {@code owner}'s server if created, else null; for metrics. */
    synchronized ModelBatchers batchersIfCreated(Object owner) {
        return batchers.get(owner);
    }

    /** Closes the batchers of {@code owner}'s server, once that server has stopped. */
    void closeBatchers(Object owner) {
        ModelBatchers toClose;
        synchronized (this) {
            toClose = batchers.remove(owner);
        }
        if (toClose != null) {
            toClose.close();
        }
    }

    /** Drops the registry's reference: the model closes once no call uses it. Idempotent. */
    void retire() {
        if (retired.compareAndSet(false, true)) {
            release();
        }
    }

    void release() {
        if (references.decrementAndGet() == 0) {
            closeNow();
        }
    }

    private void closeNow() {
        List<ModelBatchers> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayList<>(batchers.values());
            batchers.clear();
        }
        try {
            toClose.forEach(ModelBatchers::close);
        } finally {
            tokenizer.close();
        }
    }

    @Override
    public String toString() {
        return name() + ":" + version();
    }
}
