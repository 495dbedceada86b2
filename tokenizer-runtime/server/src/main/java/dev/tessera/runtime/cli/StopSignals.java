package dev.tessera.runtime.cli;

import sun.misc.Signal;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a server's drain when the process is asked to stop: on SIGTERM or SIGINT (Ctrl-C) before the
 * JVM starts shutting down, otherwise (any other way the JVM stops) from a shutdown hook.
 *
 * <p>SIGTERM and SIGINT are taken over because ONNX Runtime releases its native environment from a
 * shutdown hook of its own: a model run during a drain that ran as a hook beside it would use freed
 * memory and could crash the process. Handling the signal first lets the drain finish every call
 * and close the models while the environment is still alive.
 */
final class StopSignals {

    private StopSignals() {}

    /**
     * Installs the handlers; {@code stop} runs at most once, on a thread of its own.
     *
     * @param stop drains and ends the process
     */
    static void onStop(Runnable stop) {
        AtomicBoolean started = new AtomicBoolean();
        Runnable once =
                () -> {
                    if (started.compareAndSet(false, true)) {
                        stop.run();
                    }
                };
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> new Thread(once, "tessera-stop").start());
            } catch (IllegalArgumentException e) {
                // The platform does not have this signal, or the JVM keeps it (-Xrs): the
                // shutdown hook below still drains.
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(once, "tessera-shutdown"));
    }
}
