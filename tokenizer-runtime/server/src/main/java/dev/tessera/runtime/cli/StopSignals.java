package dev.tessera.runtime.cli;

import sun.misc.Signal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a server's drain when the process is asked to stop: on SIGTERM or SIGINT (Ctrl-C) before the
 * JVM starts shutting down, otherwise (any other way the JVM stops) from a shutdown hook.
 *
 * <p>SIGTERM and SIGINT are taken over because ONNX Runtime releases its native environment from a
 * shutdown hook of its own: a model run during a drain that ran as a hook beside it would use freed
 * memory and could crash the process. Handling the signal first lets the drain finish every call
 * and close the models while the environment is still alive. For the same reason the main thread
 * must not end the JVM while a stop runs: it waits with {@link #awaitStop()}.
 */
final class StopSignals {

    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private StopSignals() {}

    /**
     * Installs the handlers; {@code stop} runs at most once, on a thread of its own.
     *
     * @param stop drains and ends the process
     */
    static StopSignals onStop(Runnable stop) {
        StopSignals signals = new StopSignals();
        Runnable once =
                () -> {
                    if (signals.started.compareAndSet(false, true)) {
                        try {
                            stop.run();
                        } finally {
                            signals.stopped.countDown();
                        }
                    }
                };
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(
                        new Signal(name),
                        signal -> {
                            // Not a daemon (the signal thread is one): the JVM must not exit
                            // while the drain is closing the models.
                            Thread thread = new Thread(once, "tessera-stop");
                            thread.setDaemon(false);
                            thread.start();
                        });
            } catch (IllegalArgumentException e) {
                // The platform does not have this signal, or the JVM keeps it (-Xrs): the
                // shutdown hook below still drains.
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(once, "tessera-shutdown"));
        return signals;
    }

    /**
     * Once the server has terminated: waits for a stop that has begun to finish (it ends the
     * process itself); returns at once if none began.
     */
    void awaitStop() throws InterruptedException {
        if (started.get()) {
            stopped.await();
        }
    }
}
