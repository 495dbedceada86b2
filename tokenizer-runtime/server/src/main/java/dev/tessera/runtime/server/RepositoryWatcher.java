package dev.tessera.runtime.server;

import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.artifact.TokenizerDirectory;
import dev.tessera.runtime.artifact.TokenizerLoadException;
import dev.tessera.runtime.onnx.TokenizerOptions;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps a {@link ModelRegistry} in step with a {@link ModelRepository} (hot reload): every poll it
 * loads version directories that appeared or changed, and removes those that disappeared. Loading
 * happens before the swap, so callers only ever see fully loaded models, and a removed model
 * finishes its calls in flight before it closes (see {@link ModelRegistry}).
 *
 * <p>A directory that fails to load (checksum mismatch, ONNX Runtime cannot load a graph, a
 * manifest whose name or version does not match the path) is refused with one log line naming the
 * file, and is not tried again until its files change; whatever already serves under that name
 * keeps serving. The watcher only touches the models it installed: a {@code --model} directory of
 * the same name and version wins. Polls on a timer ({@link ScheduledExecutorService}): a thread of
 * its own, or one it is given, such as a test's manual clock.
 */
public final class RepositoryWatcher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RepositoryWatcher.class.getName());
    // Load errors name their file first, e.g. "encoder.onnx: SHA-256 mismatch (...)".
    private static final Pattern FILE_PREFIX =
            Pattern.compile("^([A-Za-z0-9_.-]+\\.(?:onnx|json|npy))(?:/[A-Za-z0-9_.-]+)?: ");

    /** Hears what the watcher does; every method is called on the scanning thread. */
    public interface Listener {
        /** A version directory is about to be loaded. */
        default void loading(String name, String version) {}

        /** A version was loaded and now serves. */
        default void loaded(Tokenizer tokenizer, Path dir) {}

        /** A version directory was refused; {@code reason} names the file. */
        default void refused(String name, String version, Path dir, String reason) {}

        /** A version was removed because its directory disappeared. */
        default void removed(String name, String version) {}
    }

    /**
     * What one scan changed.
     *
     * @param loaded versions loaded (new or replaced), with their directories
     * @param removed {@code name:version} of versions removed
     * @param refused {@code name:version} of directories refused
     */
    public record ScanReport(
            Map<Tokenizer, Path> loaded, List<String> removed, List<String> refused) {}

    private record Key(String name, String version) {
        @Override
        public String toString() {
            return name + ":" + version;
        }
    }

    private final ModelRepository repository;
    private final ModelRegistry registry;
    private final TokenizerOptions options;
    private final Listener listener;
    private final Map<Key, String> installed = new HashMap<>(); // guarded by this
    private final Map<Key, String> refusedAt = new HashMap<>(); // guarded by this
    private String lastScanError; // guarded by this
    private ScheduledFuture<?> polling; // guarded by this
    private ScheduledExecutorService ownTimer; // guarded by this; null when given one
    private boolean stopped; // guarded by this

    /**
     * @param options how to open each tokenizer
     * @param listener hears loads, refusals and removals (health, metrics)
     */
    public RepositoryWatcher(
            ModelRepository repository,
            ModelRegistry registry,
            TokenizerOptions options,
            Listener listener) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.options = Objects.requireNonNull(options, "options");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Brings the registry in step with the repository now.
     *
     * @throws IOException if the repository directory cannot be listed
     */
    public synchronized ScanReport scan() throws IOException {
        List<ModelRepository.Entry> entries = repository.scan();
        Map<Key, ModelRepository.Entry> present = new LinkedHashMap<>();
        entries.forEach(e -> present.put(new Key(e.name(), e.version()), e));
        List<String> removed = new ArrayList<>();
        for (Key key : new ArrayList<>(installed.keySet())) {
            if (!present.containsKey(key)) {
                installed.remove(key);
                if (registry.remove(key.name(), key.version())) {
                    removed.add(key.toString());
                    listener.removed(key.name(), key.version());
                    LOG.log(Level.INFO, event("model_removed", key).toString());
                }
            }
        }
        refusedAt.keySet().retainAll(present.keySet());
        Map<Tokenizer, Path> loaded = new LinkedHashMap<>();
        List<String> refused = new ArrayList<>();
        present.forEach(
                (key, entry) -> {
                    String fingerprint = entry.fingerprint();
                    if (fingerprint.equals(installed.get(key))
                            || fingerprint.equals(refusedAt.get(key))) {
                        return;
                    }
                    Tokenizer t = load(key, entry);
                    if (t != null) {
                        loaded.put(t, entry.dir());
                    } else {
                        refused.add(key.toString());
                    }
                });
        return new ScanReport(loaded, removed, refused);
    }

    /** Loads and installs one directory; null (after refusing it) if it cannot serve. */
    private Tokenizer load(Key key, ModelRepository.Entry entry) {
        if (!installed.containsKey(key) && registry.contains(key.name(), key.version())) {
            refuse(
                    key,
                    entry,
                    "already served from a --model directory of the same name and version;"
                            + " give this one another version");
            return null;
        }
        listener.loading(key.name(), key.version());
        Tokenizer t;
        try {
            t = Tokenizer.open(entry.dir(), options);
        } catch (TokenizerLoadException e) {
            refuse(key, entry, e.getMessage());
            return null;
        } catch (RuntimeException e) {
            refuse(key, entry, e.getClass().getSimpleName() + ": " + e.getMessage());
            return null;
        }
        if (!t.name().equals(key.name()) || !t.version().equals(key.version())) {
            t.close();
            refuse(
                    key,
                    entry,
                    TokenizerDirectory.manifestName(entry.dir())
                            + ": name \""
                            + t.name()
                            + "\" and version \""
                            + t.version()
                            + "\" do not match the repository path "
                            + key.name()
                            + "/"
                            + key.version()
                            + "; rename the directory to <name>/<version> of its manifest");
            return null;
        }
        try {
            registry.install(t);
        } catch (RuntimeException e) {
            t.close();
            refuse(key, entry, e.getMessage());
            return null;
        }
        installed.put(key, entry.fingerprint());
        refusedAt.remove(key);
        listener.loaded(t, entry.dir());
        LOG.log(Level.INFO, event("model_loaded", key).with("dir", entry.dir()).toString());
        return t;
    }

    private void refuse(Key key, ModelRepository.Entry entry, String reason) {
        refusedAt.put(key, entry.fingerprint());
        listener.refused(key.name(), key.version(), entry.dir(), reason);
        StructuredLog line = event("model_refused", key).with("dir", entry.dir());
        Matcher file = FILE_PREFIX.matcher(reason);
        if (file.find()) {
            line.with("file", entry.dir().resolve(file.group(1)));
        }
        line.with("reason", reason);
        line.with(
                "action",
                installed.containsKey(key) ? "the loaded version keeps serving" : "not served");
        LOG.log(Level.WARNING, line.toString());
    }

    private static StructuredLog event(String name, Key key) {
        return StructuredLog.event(name).with("model", key.name()).with("version", key.version());
    }

    /**
     * Scans every {@code interval} on a daemon thread of its own until {@link #close()}. A failed
     * scan (repository unreadable) is logged once and retried at the next poll.
     */
    public synchronized void start(Duration interval) {
        ScheduledExecutorService own = TokenizerServer.daemonTimer("tessera-repository-watcher-");
        try {
            start(interval, own);
        } catch (RuntimeException e) {
            own.shutdownNow();
            throw e;
        }
        ownTimer = own;
    }

    /**
     * Scans every {@code interval} of {@code timer}'s clock until {@link #close()}; the watcher
     * does not own {@code timer}. A failed scan is logged once and retried at the next poll.
     */
    public synchronized void start(Duration interval, ScheduledExecutorService timer) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval: expected > 0, got " + interval);
        }
        if (stopped) {
            throw new IllegalStateException("the repository watcher is closed");
        }
        if (polling != null) {
            throw new IllegalStateException("the repository watcher is already polling");
        }
        long nanos = interval.toNanos();
        polling =
                timer.scheduleWithFixedDelay(
                        this::scanQuietly, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    private synchronized void scanQuietly() {
        if (stopped) {
            return;
        }
        try {
            scan();
            lastScanError = null;
        } catch (IOException | RuntimeException e) {
            // A scheduled task that throws is never run again: log and keep polling.
            String message = String.valueOf(e.getMessage());
            if (!message.equals(lastScanError)) {
                LOG.log(
                        Level.WARNING,
                        StructuredLog.event("repository_scan_failed")
                                .with("repository", repository.root())
                                .with("reason", message)
                                .toString());
            }
            lastScanError = message;
        }
    }

    /** Stops polling; a scan in progress finishes first. Idempotent. */
    @Override
    public void close() {
        ScheduledFuture<?> p;
        ScheduledExecutorService own;
        // Scans hold this lock: taking it waits for one in progress, and none starts after.
        synchronized (this) {
            stopped = true;
            p = polling;
            own = ownTimer;
        }
        if (p != null) {
            p.cancel(false);
        }
        if (own != null) {
            own.shutdownNow();
        }
    }
}
