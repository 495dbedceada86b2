package dev.tessera.train.train;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;

/** Waiting for work done on a training step's helper threads. */
final class Futures {

    private Futures() {}

    /** Daemon threads named {@code name}: helpers that never keep the JVM from exiting. */
    static ThreadFactory daemonThreads(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * The result of {@code future}; what the work threw is rethrown as it was (an unchecked
     * exception or error), so a failure on a helper thread reads as if it happened here.
     *
     * @param what the work, for the message when the wait is interrupted
     */
    static <T> T await(Future<T> future, String what) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
