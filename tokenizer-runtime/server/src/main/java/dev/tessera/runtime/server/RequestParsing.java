package dev.tessera.runtime.server;

import com.google.protobuf.Message;

import dev.tessera.runtime.Causes;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a request whose bytes are not a valid protobuf message into {@code INVALID_ARGUMENT} naming
 * the message type. Left to gRPC, such a request ends {@code UNKNOWN} ("Application error
 * processing RPC") with a stack trace in the log, which tells the caller nothing and breaks the
 * rule that a caller's mistake is never reported as the server's. Each request is still parsed
 * exactly once, by the method's own marshaller.
 */
final class RequestParsing {

    private RequestParsing() {}

    /** The service with every method's request parsing guarded. */
    static ServerServiceDefinition guard(ServerServiceDefinition service) {
        ServiceDescriptor original = service.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor =
                ServiceDescriptor.newBuilder(original.getName())
                        .setSchemaDescriptor(original.getSchemaDescriptor());
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            ServerMethodDefinition<?, ?> guarded = guard(method);
            methods.add(guarded);
            descriptor.addMethod(guarded.getMethodDescriptor());
        }
        ServerServiceDefinition.Builder builder =
                ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(builder::addMethod);
        return builder.build();
    }

    private static <Q, R> ServerMethodDefinition<InputStream, R> guard(
            ServerMethodDefinition<Q, R> method) {
        MethodDescriptor<Q, R> typed = method.getMethodDescriptor();
        MethodDescriptor<InputStream, R> raw =
                typed.toBuilder(new PassThrough(), typed.getResponseMarshaller()).build();
        String type = messageType(typed);
        ServerCallHandler<InputStream, R> handler =
                (call, headers) -> start(call, headers, typed, method.getServerCallHandler(), type);
        return ServerMethodDefinition.create(raw, handler);
    }

    private static <Q, R> ServerCall.Listener<InputStream> start(
            ServerCall<InputStream, R> call,
            Metadata headers,
            MethodDescriptor<Q, R> typed,
            ServerCallHandler<Q, R> next,
            String type) {
        ServerCall<Q, R> typedCall = new TypedCall<>(call, typed);
        ServerCall.Listener<Q> listener = next.startCall(typedCall, headers);
        return new GuardedListener<>(call, typed, listener, type);
    }

    private static String messageType(MethodDescriptor<?, ?> method) {
        if (method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> p
                && p.getMessagePrototype() instanceof Message m) {
            return m.getDescriptorForType().getFullName();
        }
        return "request message";
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // Nothing to do: the bytes are discarded either way.
        }
    }

    /** Hands the message bytes through untouched, for the guarded parser to read. */
    private static final class PassThrough implements MethodDescriptor.Marshaller<InputStream> {
        @Override
        public InputStream stream(InputStream value) {
            return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
            return stream;
        }
    }

    /**
     * Parses each message with the method's marshaller before handing it on; on the first that does
     * not parse, closes the call {@code INVALID_ARGUMENT} and stops the handler.
     */
    private static final class GuardedListener<Q, R> extends ServerCall.Listener<InputStream> {
        private final ServerCall<InputStream, R> call;
        private final MethodDescriptor<Q, R> typed;
        private final ServerCall.Listener<Q> listener;
        private final String type;
        private boolean refused; // listener methods are called serially

        GuardedListener(
                ServerCall<InputStream, R> call,
                MethodDescriptor<Q, R> typed,
                ServerCall.Listener<Q> listener,
                String type) {
            this.call = call;
            this.typed = typed;
            this.listener = listener;
            this.type = type;
        }

        @Override
        public void onMessage(InputStream message) {
            if (refused) {
                closeQuietly(message);
                return;
            }
            Q request;
            try {
                request = typed.parseRequest(message);
            } catch (RuntimeException e) {
                refused = true;
                call.close(
                        Status.INVALID_ARGUMENT.withDescription(
                                "request: the message is not a valid "
                                        + type
                                        + " ("
                                        + Causes.rootMessage(e)
                                        + "); check that client and server use the same .proto"),
                        new Metadata());
                // The handler stops as if the client had gone away.
                listener.onCancel();
                return;
            }
            listener.onMessage(request);
        }

        @Override
        public void onHalfClose() {
            if (!refused) {
                listener.onHalfClose();
            }
        }

        @Override
        public void onCancel() {
            if (!refused) {
                listener.onCancel();
            }
        }

        @Override
        public void onComplete() {
            if (!refused) {
                listener.onComplete();
            }
        }

        @Override
        public void onReady() {
            if (!refused) {
                listener.onReady();
            }
        }
    }

    /** The raw call seen by the service as a call of its own request type. */
    private static final class TypedCall<Q, R> extends ServerCall<Q, R> {
        private final ServerCall<InputStream, R> call;
        private final MethodDescriptor<Q, R> method;

        TypedCall(ServerCall<InputStream, R> call, MethodDescriptor<Q, R> method) {
            this.call = call;
            this.method = method;
        }

        @Override
        public void request(int numMessages) {
            call.request(numMessages);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            call.sendHeaders(headers);
        }

        @Override
        public void sendMessage(R message) {
            call.sendMessage(message);
        }

        @Override
        public boolean isReady() {
            return call.isReady();
        }

        @Override
        public void close(Status status, Metadata trailers) {
            call.close(status, trailers);
        }

        @Override
        public boolean isCancelled() {
            return call.isCancelled();
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            call.setMessageCompression(enabled);
        }

        @Override
        public void setCompression(String compressor) {
            call.setCompression(compressor);
        }

        @Override
        public Attributes getAttributes() {
            return call.getAttributes();
        }

        @Override
        public String getAuthority() {
            return call.getAuthority();
        }

        @Override
        public SecurityLevel getSecurityLevel() {
            return call.getSecurityLevel();
        }

        @Override
        public MethodDescriptor<Q, R> getMethodDescriptor() {
            return method;
        }
    }
}
