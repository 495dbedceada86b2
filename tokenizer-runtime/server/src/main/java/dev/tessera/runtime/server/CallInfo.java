package dev.tessera.runtime.server;

import io.grpc.Context;

/**
 * What the service learns about a call while handling it (the model that answered, the request id,
 * the cause of an internal error), carried in the call's {@link Context} so that {@link
 * CallTracker} can label the call's metrics and log line when it ends.
 */
final class CallInfo {

    static final Context.Key<CallInfo> KEY = Context.key("tessera-call-info");

    private volatile String model = "";
    private volatile String version = "";
    private volatile String requestId = "";
    private volatile String cause = "";

    /** The current call's info, or a detached one when called outside a traced call. */
    static CallInfo current() {
        CallInfo info = KEY.get();
        return info != null ? info : new CallInfo();
    }

    void model(String name, String modelVersion) {
        this.model = name;
        this.version = modelVersion;
    }

    void requestId(String id) {
        this.requestId = id;
    }

    /** Records what went wrong inside the server, for the log line (never sent to the caller). */
    void cause(String text) {
        this.cause = text;
    }

    String model() {
        return model;
    }

    String version() {
        return version;
    }

    String requestId() {
        return requestId;
    }

    String cause() {
        return cause;
    }
}
