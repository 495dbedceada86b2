package dev.tessera.runtime.server;

import dev.tessera.api.inference.GRPCInferenceServiceGrpc;
import dev.tessera.api.v1.TokenizerServiceGrpc;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps {@code grpc.health.v1} in step with the server: overall ({@code ""}), the tokenizer
 * service and the inference service are {@code NOT_SERVING} until the models are loaded and again from shutdown on; each
 * model name is {@code SERVING} while at least one of its versions is, {@code NOT_SERVING} while
 * its first version loads and after its last version is removed.
 */
final class ModelHealth {

    private final HealthStatusManager manager;
    private final ModelRegistry registry;
    private final Set<String> known = new HashSet<>(); // guarded by this
    private boolean serving; // guarded by this
    private boolean terminal; // guarded by this
    private final Runnable onRegistryChange = this::refresh;

    ModelHealth(HealthStatusManager manager, ModelRegistry registry) {
        this.manager = manager;
        this.registry = registry;
        refresh();
        registry.addListener(onRegistryChange);
    }

    /** Everything loaded: the server and its models turn {@code SERVING}. */
    synchronized void markServing() {
        serving = true;
        refresh();
    }

    /** A model's version is loading; its name is {@code NOT_SERVING} unless another serves. */
    synchronized void loading(String name) {
        if (!terminal && !registry.names().contains(name)) {
            known.add(name);
            manager.setStatus(name, ServingStatus.NOT_SERVING);
        }
    }

    /** Shutdown: every status turns {@code NOT_SERVING} for good. */
    synchronized void shutdown() {
        terminal = true;
        registry.removeListener(onRegistryChange);
        manager.enterTerminalState();
    }

    private synchronized void refresh() {
        if (terminal) {
            return;
        }
        ServingStatus overall = serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        manager.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, overall);
        manager.setStatus(TokenizerServiceGrpc.SERVICE_NAME, overall);
        manager.setStatus(GRPCInferenceServiceGrpc.SERVICE_NAME, overall);
        List<String> names = registry.names();
        for (String name : names) {
            manager.setStatus(name, overall);
        }
        for (String name : known) {
            if (!names.contains(name)) {
                manager.setStatus(name, ServingStatus.NOT_SERVING);
            }
        }
        known.addAll(names);
    }
}
