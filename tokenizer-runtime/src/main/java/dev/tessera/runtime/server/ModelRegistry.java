package dev.tessera.runtime.server;

import dev.tessera.api.v1.ModelRef;
import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.Tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The tokenizers a server holds, by name and version, and the rules that pick one for a request: an
 * empty name selects the only model when there is exactly one; an empty version selects the highest
 * (see {@link VersionOrder}). Thread-safe. Owns its tokenizers: {@link #close()} closes them.
 */
public final class ModelRegistry implements AutoCloseable {

    private final Map<String, NavigableMap<String, Tokenizer>> models = new TreeMap<>();

    /**
     * Adds a tokenizer under its manifest name and version.
     *
     * @throws IllegalArgumentException if that name and version are already registered
     */
    public synchronized void register(Tokenizer tokenizer) {
        NavigableMap<String, Tokenizer> versions =
                models.computeIfAbsent(tokenizer.name(), n -> new TreeMap<>(VersionOrder.INSTANCE));
        if (versions.containsKey(tokenizer.version())) {
            throw new IllegalArgumentException(
                    "model "
                            + tokenizer.name()
                            + " version "
                            + tokenizer.version()
                            + " is registered twice; give each directory its own version");
        }
        versions.put(tokenizer.version(), tokenizer);
    }

    /**
     * The tokenizer a request's model reference selects.
     *
     * @throws InvalidInputException naming {@code model.name} if the name is empty and the server
     *     holds several models
     * @throws UnknownModelException naming {@code model.name} or {@code model.version} if no such
     *     model or version is registered
     */
    public synchronized Tokenizer resolve(ModelRef ref) {
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
                                + " models), got an empty"
                                + " name");
            }
        }
        NavigableMap<String, Tokenizer> versions = models.get(name);
        if (versions == null) {
            throw new UnknownModelException(
                    "model.name",
                    "model.name: no model \"" + name + "\"; the server holds " + models.keySet());
        }
        if (ref.getVersion().isEmpty()) {
            return versions.lastEntry().getValue();
        }
        Tokenizer t = versions.get(ref.getVersion());
        if (t == null) {
            throw new UnknownModelException(
                    "model.version",
                    "model.version: model \""
                            + name
                            + "\" has no version \""
                            + ref.getVersion()
                            + "\"; it has "
                            + versions.keySet());
        }
        return t;
    }

    /** Every registered tokenizer, by name, then version from lowest to highest. */
    public synchronized List<Tokenizer> all() {
        List<Tokenizer> all = new ArrayList<>();
        models.values().forEach(v -> all.addAll(v.values()));
        return all;
    }

    /** The registered model names, sorted. */
    public synchronized List<String> names() {
        return List.copyOf(models.keySet());
    }

    /** Closes every registered tokenizer and empties the registry. */
    @Override
    public synchronized void close() {
        models.values().forEach(v -> v.values().forEach(Tokenizer::close));
        models.clear();
    }
}
