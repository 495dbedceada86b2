package dev.tessera.runtime.server;

import dev.tessera.runtime.onnx.Tokenizer;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One tokenizer version held by a {@link ModelRegistry}, with a count of the calls using it, so
 * that removing or replacing it never fails a call in flight: the registry drops its own reference
 * when it retires the model, each call holds a {@link ModelLease}, and the last one to let go
 * closes the batchers and the tokenizer.
 */
final class ServedModel {

    private final Tokenizer tokenizer;
    // The registry's reference counts as one; 0 means closed, and then no lease can be taken.
    private final AtomicInteger references = new AtomicInteger(1);
    private final AtomicBoolean retired = new AtomicBoolean();
    private ModelBatchers batchers; // guarded by this
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
     * The model's batchers, created by {@code create} on first use. Call only while holding a
     * lease, so the model cannot close meanwhile.
     */
    synchronized ModelBatchers batchers(Function<Tokenizer, ModelBatchers> create) {
        if (closed) {
            throw new IllegalStateException(tokenizer + " is closed");
        }
        if (batchers == null) {
            batchers = create.apply(tokenizer);
        }
        return batchers;
    }

    /** The batchers if created, else null; for metrics. */
    synchronized ModelBatchers batchersIfCreated() {
        return batchers;
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
        ModelBatchers toClose;
        synchronized (this) {
            closed = true;
            toClose = batchers;
            batchers = null;
        }
        if (toClose != null) {
            toClose.close();
        }
        tokenizer.close();
    }

    @Override
    public String toString() {
        return name() + ":" + version();
    }
}
