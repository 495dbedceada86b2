package dev.tessera.runtime.server;

import dev.tessera.runtime.onnx.Tokenizer;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One call's hold on a {@link ServedModel}: while any lease is open, the model stays open even if
 * the registry has dropped it. {@link #close()} releases it once; later calls do nothing.
 */
final class ModelLease implements AutoCloseable {

    private final ServedModel model;
    private final AtomicBoolean released = new AtomicBoolean();

    ModelLease(ServedModel model) {
        this.model = model;
    }

    ServedModel model() {
        return model;
    }

    Tokenizer tokenizer() {
        return model.tokenizer();
    }

    @Override
    public void close() {
        if (released.compareAndSet(false, true)) {
            model.release();
        }
    }
}
