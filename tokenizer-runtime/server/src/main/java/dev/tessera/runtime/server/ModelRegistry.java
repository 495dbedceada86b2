package dev.tessera.runtime.server;

import dev.tessera.api.v1.ModelRef;
import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.onnx.Tokenizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The tokenizers a server holds, by name and version, and the rules that pick one for a request: an
 * empty name selects the only model when there is exactly one; an empty version selects the highest
 * (see {@link VersionOrder}).
 *
 * <p>Models can be added, replaced and removed while calls run (hot reload). Every change publishes
 * a new immutable snapshot in one step, so a request sees either the old or the new set, never a
 * mix; requests read the snapshot without locking. A removed or replaced model is closed only when
 * the last call using it has finished. Thread-safe. Owns its tokenizers: {@link #close()} closes
 * them.
 */
public final class ModelRegistry implements AutoCloseable {

    // Immutable snapshot, replaced as a whole by the synchronized writers.
    private volatile Map<String, NavigableMap<String, ServedModel>> models = Map.of();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private boolean closed; // guarded by this

    /**
     * Adds a tokenizer under its manifest name and version.
     *
     * @throws IllegalArgumentException if that name and version are already registered, or the name
     *     or version cannot be requested (see the rules of model repositories)
     * @throws IllegalStateException if the registry is closed
     */
    public synchronized void register(Tokenizer tokenizer) {
        if (contains(tokenizer.name(), tokenizer.version())) {
            throw new IllegalArgumentException(
                    "model "
                            + tokenizer.name()
                            + " version "
                            + tokenizer.version()
                            + " is registered twice; give each directory its own version");
        }
        install(tokenizer);
    }

    /**
     * Adds a tokenizer, or replaces the one of the same name and version; a replaced model keeps
     * serving the calls already using it, then closes.
     */
    synchronized void install(Tokenizer tokenizer) {
        if (closed) {
            throw new IllegalStateException("the model registry is closed");
        }
        checkName("name", tokenizer.name());
        checkName("version", tokenizer.version());
        Map<String, NavigableMap<String, ServedModel>> next = copy();
        ServedModel old =
                next.computeIfAbsent(tokenizer.name(), n -> new TreeMap<>(VersionOrder.INSTANCE))
                        .put(tokenizer.version(), new ServedModel(tokenizer));
        publish(next);
        if (old != null) {
            old.retire();
        }
    }

    /**
     * Removes a model version; calls using it finish first, then it closes.
     *
     * @return false if no such version was registered
     */
    synchronized boolean remove(String name, String version) {
        Map<String, NavigableMap<String, ServedModel>> next = copy();
        NavigableMap<String, ServedModel> versions = next.get(name);
        ServedModel old = versions == null ? null : versions.remove(version);
        if (old == null) {
            return false;
        }
        if (versions.isEmpty()) {
            next.remove(name);
        }
        publish(next);
        old.retire();
        return true;
    }

    private static void checkName(String what, String value) {
        String problem = ModelNames.problem(value);
        if (problem != null) {
            throw new IllegalArgumentException(
                    "model "
                            + what
                            + " \""
                            + value
                            + "\" in its manifest cannot be served: it "
                            + problem
                            + "; re-export with a plain name");
        }
    }

    private Map<String, NavigableMap<String, ServedModel>> copy() {
        Map<String, NavigableMap<String, ServedModel>> next = new TreeMap<>();
        models.forEach((name, versions) -> next.put(name, new TreeMap<>(versions)));
        return next;
    }

    private void publish(Map<String, NavigableMap<String, ServedModel>> next) {
        Map<String, NavigableMap<String, ServedModel>> frozen = new TreeMap<>();
        next.forEach(
                (name, versions) ->
                        frozen.put(name, Collections.unmodifiableNavigableMap(versions)));
        models = Collections.unmodifiableMap(frozen);
        listeners.forEach(Runnable::run);
    }

    /** Runs {@code listener} after every change (on the changing thread); for health. */
    void addListener(Runnable listener) {
        listeners.add(listener);
    }

    /** Stops running a listener added with {@link #addListener}. */
    void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    /**
     * The tokenizer a request's model reference selects (without holding it: for inspection).
     *
     * @throws InvalidInputException naming {@code model.name} or {@code model.version} if the name
     *     is empty and the registry holds several models, or a name or version is malformed
     * @throws UnknownModelException naming {@code model.name} or {@code model.version} if no such
     *     model or version is registered
     */
    public Tokenizer resolve(ModelRef ref) {
        return select(models, ref).tokenizer();
    }

    /**
     * A lease on the model a request selects; the caller closes it when the call is done.
     *
     * @throws InvalidInputException as {@link #resolve}
     * @throws UnknownModelException as {@link #resolve}
     */
    ModelLease acquire(ModelRef ref) {
        while (true) {
            ModelLease lease = select(models, ref).tryAcquire();
            if (lease != null) {
                return lease;
            }
            // The model closed between reading the snapshot and taking the lease; it is no
            // longer in the current snapshot, so the next pass picks what replaced it (or fails).
            Thread.onSpinWait();
        }
    }

    private static ServedModel select(
            Map<String, NavigableMap<String, ServedModel>> models, ModelRef ref) {
        ModelNames.checkRequest(ref);
        String name = ref.getName();
        if (name.isEmpty()) {
            if (models.size() == 1) {
                name = models.keySet().iterator().next();
            } else if (models.isEmpty()) {
                throw new UnknownModelException(
                        "model.name", "model.name: the server holds no models");
            } else {
                throw new InvalidInputException(
                        "model.name",
                        "model.name: expected one of "
                                + models.keySet()
                                + " (the server holds "
                                + models.size()
                                + " models), got an empty name");
            }
        }
        NavigableMap<String, ServedModel> versions = models.get(name);
        if (versions == null) {
            throw new UnknownModelException(
                    "model.name",
                    "model.name: no model \"" + name + "\"; the server holds " + models.keySet());
        }
        if (ref.getVersion().isEmpty()) {
            return versions.lastEntry().getValue();
        }
        ServedModel model = versions.get(ref.getVersion());
        if (model == null) {
            throw new UnknownModelException(
                    "model.version",
                    "model.version: model \""
                            + name
                            + "\" has no version \""
                            + ref.getVersion()
                            + "\"; it has "
                            + versions.keySet());
        }
        return model;
    }

    /** True if this name and version are registered. */
    public boolean contains(String name, String version) {
        NavigableMap<String, ServedModel> versions = models.get(name);
        return versions != null && versions.containsKey(version);
    }

    /** Every registered tokenizer, by name, then version from lowest to highest. */
    public List<Tokenizer> all() {
        List<Tokenizer> all = new ArrayList<>();
        for (ServedModel m : served()) {
            all.add(m.tokenizer());
        }
        return all;
    }

    /** Every registered model, by name, then version from lowest to highest. */
    List<ServedModel> served() {
        List<ServedModel> all = new ArrayList<>();
        models.values().forEach(v -> all.addAll(v.values()));
        return all;
    }

    /** The versions of model {@code name}, lowest to highest; empty if there is no such model. */
    public List<String> versions(String name) {
        NavigableMap<String, ServedModel> versions = models.get(name);
        return versions == null ? List.of() : List.copyOf(versions.keySet());
    }

    /** The registered model names, sorted. */
    public List<String> names() {
        return List.copyOf(models.keySet());
    }

    /**
     * Removes every model and refuses new ones. Models not in use close now; the others when their
     * last call finishes.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<ServedModel> all = served();
        publish(new TreeMap<>());
        all.forEach(ServedModel::retire);
    }
}
