package dev.tessera.runtime.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientStreamTracer;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The attempts of one logical {@link TokenizerClient} call, which gRPC's retry policy makes on its
 * own: a stream tracer on each attempt counts those that ran and keeps the last one's status, so
 * that the call's failure can say how many attempts were made and, when the deadline ends a call
 * between two attempts, why the last one failed. Use one instance per call.
 */
final class CallAttempts implements ClientInterceptor {

    private final AtomicInteger attempts = new AtomicInteger();
    private volatile Status lastAttempt;

    private final ClientStreamTracer.Factory tracers =
            new ClientStreamTracer.Factory() {
                @Override
                public ClientStreamTracer newClientStreamTracer(
                        ClientStreamTracer.StreamInfo info, Metadata headers) {
                    int number = info.getPreviousAttempts() + 1;
                    return new ClientStreamTracer() {
                        // Counted when it ends: gRPC prepares the next attempt before its wait,
                        // and one the deadline cuts off never runs. A transparent retry (the
                        // stream never reached the server) keeps its attempt's number.
                        @Override
                        public void streamClosed(Status status) {
                            attempts.accumulateAndGet(number, Math::max);
                            lastAttempt = status;
                        }
                    };
                }
            };

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
            MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return next.newCall(method, options.withStreamTracerFactory(tracers));
    }

    /** Attempts made so far; 1 for a call that failed before its first stream. */
    int count() {
        return Math.max(1, attempts.get());
    }

    /** The call's failure as the client reports it. */
    TokenizerClientException failure(String method, StatusRuntimeException e) {
        Status status = e.getStatus();
        String description = describe(status);
        Status last = lastAttempt;
        if (status.getCode() == Status.Code.DEADLINE_EXCEEDED
                && last != null
                && last.getCode() != Status.Code.DEADLINE_EXCEEDED
                && !last.isOk()) {
            // The deadline passed while waiting to retry: the last attempt's error is the news.
            description +=
                    " (the call's deadline passed while waiting to retry; the last attempt failed"
                            + " with "
                            + last.getCode()
                            + ": "
                            + describe(last)
                            + ")";
        }
        return new TokenizerClientException(method, status.getCode(), description, count(), e);
    }

    /**
     * The status description on one line, plus the transport's underlying reason when gRPC has one
     * (connection refused, certificate not trusted): that is what a user can act on.
     */
    static String describe(Status status) {
        String text = oneLine(status.getDescription());
        Throwable cause = status.getCause();
        Throwable root = cause;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        // The direct cause names the address; the root cause says why (certificate, refusal).
        String reason = cause == null ? "" : oneLine(cause.getMessage());
        String rootReason = root == null ? "" : oneLine(root.getMessage());
        if (!rootReason.isEmpty() && !reason.contains(rootReason)) {
            reason = reason.isEmpty() ? rootReason : reason + ": " + rootReason;
        }
        if (!reason.isEmpty() && !text.contains(reason)) {
            text = text.isEmpty() ? reason : text + " (" + reason + ")";
        }
        return text.isEmpty() ? "no message from the server" : text;
    }

    /** Joins the lines of a message, leaving out Netty's dump of its channel pipeline. */
    private static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        return message.lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("Channel Pipeline:"))
                .collect(Collectors.joining("; "));
    }
}
