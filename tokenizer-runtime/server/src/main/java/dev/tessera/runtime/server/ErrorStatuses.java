package dev.tessera.runtime.server;

import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.onnx.TokenizerClosedException;
import dev.tessera.runtime.server.batching.BatcherClosedException;
import dev.tessera.runtime.server.batching.QueueFullException;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;

import java.lang.System.Logger.Level;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The error mapping of docs/serving.md, in one place: what the caller did wrong becomes {@code
 * INVALID_ARGUMENT}, {@code NOT_FOUND} or {@code RESOURCE_EXHAUSTED} with the exception's sentence;
 * a closed model {@code UNAVAILABLE}; anything else is the server's fault, answered {@code
 * INTERNAL} without internals and recorded in the call's log line.
 */
final class ErrorStatuses {

    private static final System.Logger LOG = System.getLogger(ErrorStatuses.class.getName());

    private ErrorStatuses() {}

    /**
     * The status for a failure of {@code method} (short name, e.g. {@code Encode}).
     *
     * @param info where an internal cause is recorded for the log
     */
    static Status of(Throwable failure, String method, CallInfo info) {
        Throwable t = unwrap(failure);
        if (t instanceof InvalidInputException) {
            return Status.INVALID_ARGUMENT.withDescription(t.getMessage());
        }
        if (t instanceof UnknownModelException) {
            return Status.NOT_FOUND.withDescription(t.getMessage());
        }
        if (t instanceof BatchLimitException || t instanceof QueueFullException) {
            return Status.RESOURCE_EXHAUSTED.withDescription(t.getMessage());
        }
        if (t instanceof TokenizerClosedException || t instanceof BatcherClosedException) {
            return Status.UNAVAILABLE.withDescription(
                    t.getMessage()
                            + "; the model was unloaded or the server is shutting down, retry");
        }
        if (t instanceof StatusRuntimeException e) {
            return e.getStatus();
        }
        if (t instanceof StatusException e) {
            return e.getStatus();
        }
        info.cause(t.getClass().getSimpleName() + ": " + t.getMessage());
        LOG.log(Level.DEBUG, method + " failed inside the server", t);
        return Status.INTERNAL.withDescription(
                method
                        + " failed inside the server ("
                        + t.getClass().getSimpleName()
                        + "); the server log has the details");
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
