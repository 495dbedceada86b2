package dev.tessera.runtime.server;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;

import java.lang.System.Logger.Level;

/**
 * Sees every call the server handles, from its first byte to its status, including those refused
 * before they reach the service (authentication, concurrency limit, oversized message): records its
 * metrics, and writes one structured log line for each call that does not end {@code OK}, with the
 * method, model, request id, status and message.
 */
final class CallTracker extends ServerStreamTracer.Factory {

    private static final System.Logger LOG = System.getLogger(CallTracker.class.getName());

    private final ServerMetrics metrics;

    CallTracker(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
        return new Tracer(fullMethodName);
    }

    private final class Tracer extends ServerStreamTracer {
        private final String method;
        private final long start = System.nanoTime();
        private final CallInfo info = new CallInfo();

        Tracer(String method) {
            this.method = method;
        }

        @Override
        public Context filterContext(Context context) {
            return context.withValue(CallInfo.KEY, info);
        }

        @Override
        public void streamClosed(Status status) {
            long nanos = System.nanoTime() - start;
            metrics.callFinished(method, info.model(), info.version(), status.getCode(), nanos);
            if (status.isOk()) {
                return;
            }
            StructuredLog line =
                    StructuredLog.event("call_failed")
                            .with("method", method)
                            .with("model", info.model())
                            .with("version", info.version())
                            .with("request_id", info.requestId().isEmpty() ? "-" : info.requestId())
                            .with("code", status.getCode())
                            .withMillis("duration_ms", nanos)
                            .with("message", String.valueOf(status.getDescription()));
            if (!info.cause().isEmpty()) {
                line.with("cause", info.cause());
            }
            boolean serverFault =
                    status.getCode() == Status.Code.INTERNAL
                            || status.getCode() == Status.Code.UNKNOWN
                            || status.getCode() == Status.Code.DATA_LOSS;
            LOG.log(serverFault ? Level.ERROR : Level.INFO, line.toString());
        }
    }
}
