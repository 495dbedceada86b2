package dev.tessera.runtime.onnx;

import dev.tessera.runtime.artifact.TokenizerLoadException;

import ai.onnxruntime.OrtEnvironment;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Obtains ONNX Runtime's process-wide environment. The first call creates it, and that creation
 * registers every operator schema through a deep native recursion: on a thread with the JVM's
 * default 1 MiB stack it can overflow and crash the process (seen with ONNX Runtime 1.29 from a
 * Java main thread). So the first call runs on a short-lived thread with a large stack; later calls
 * return the existing environment.
 */
public final class OrtEnvironments {

    private static final long INIT_STACK_BYTES = 64L << 20;

    private OrtEnvironments() {}

    /** The process-wide environment, created on first use on a thread with a large stack. */
    public static OrtEnvironment get() {
        AtomicReference<OrtEnvironment> env = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread init =
                new Thread(
                        null,
                        () -> {
                            try {
                                env.set(OrtEnvironment.getEnvironment());
                            } catch (Throwable t) {
                                failure.set(t);
                            }
                        },
                        "onnxruntime-init",
                        INIT_STACK_BYTES);
        init.start();
        boolean interrupted = false;
        while (true) {
            try {
                init.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure.get() != null) {
            throw new TokenizerLoadException(
                    "ONNX Runtime could not start: " + failure.get().getMessage(), failure.get());
        }
        return env.get();
    }
}
