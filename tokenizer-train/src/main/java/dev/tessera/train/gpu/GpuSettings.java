package dev.tessera.train.gpu;

import ai.djl.util.Platform;
import ai.djl.util.Utils;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * Which libtorch DJL loads, as {@code tessera gpu-setup} recorded it, and how a Tessera process
 * applies that record before DJL starts. The record is a properties file, by default {@code
 * $XDG_CONFIG_HOME/tessera/gpu.properties} ({@code ~/.config/tessera/gpu.properties}).
 *
 * <p>DJL reads {@code PYTORCH_LIBRARY_PATH}, {@code PYTORCH_VERSION} and {@code PYTORCH_FLAVOR}
 * from the environment or, when the environment has none, from system properties; applying sets
 * the properties. With {@code PYTORCH_LIBRARY_PATH} DJL loads the JNI library from that directory
 * or, failing that, from {@code <engine cache>/pytorch/<version>-<flavor>-<classifier>/}: the
 * built library is copied there, into the engine cache this process uses, so nothing is written
 * into the PyTorch installation (often a read-only site-packages).
 *
 * @param libraryPath the directory with {@code libtorch.so}
 * @param version PyTorch's release, as DJL is told it (e.g. 2.11.0)
 * @param flavor DJL's flavour (cu130, cpu)
 * @param jni the JNI library built against that libtorch
 * @param description one line about the PyTorch found, for logs
 */
public record GpuSettings(
        Path libraryPath, String version, String flavor, Path jni, String description) {

    public static final String LIBRARY_PATH = "PYTORCH_LIBRARY_PATH";
    public static final String VERSION = "PYTORCH_VERSION";
    public static final String FLAVOR = "PYTORCH_FLAVOR";

    /** DJL's switch for cuDNN's autotuner, which picks the fastest convolution per shape. */
    static final String CUDNN_BENCHMARK = "ai.djl.pytorch.cudnn_benchmark";

    private static final String JNI_NAME = "libdjl_torch.so";

    /** The settings for {@code torch} with its JNI library at {@code jni}. */
    public static GpuSettings of(LocalTorch torch, Path jni) {
        return new GpuSettings(
                torch.libDir().toAbsolutePath(),
                torch.release(),
                torch.flavor(),
                jni.toAbsolutePath(),
                torch.describe());
    }

    /**
     * The settings file: {@code $XDG_CONFIG_HOME/tessera/gpu.properties}, or under {@code
     * ~/.config} when the variable is unset.
     */
    public static Path file(Map<String, String> environment) {
        String config = environment.get("XDG_CONFIG_HOME");
        Path base =
                config != null && !config.isBlank()
                        ? Path.of(config)
                        : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("tessera").resolve("gpu.properties");
    }

    /** Writes the record to {@code file}, replacing an older one. */
    public void save(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty(LIBRARY_PATH, libraryPath.toString());
        p.setProperty(VERSION, version);
        p.setProperty(FLAVOR, flavor);
        p.setProperty("jni", jni.toString());
        p.setProperty("found", description);
        if (flavor.startsWith("cu")) {
            // Training runs fixed shapes step after step: the autotuner's one-off search pays.
            p.setProperty(CUDNN_BENCHMARK, "true");
        }
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), ".gpu", ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp)) {
            p.store(w, "written by tessera gpu-setup on " + Instant.now());
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The record in {@code file}, if there is one. */
    public static Optional<GpuSettings> load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        for (String key : new String[] {LIBRARY_PATH, VERSION, FLAVOR, "jni"}) {
            if (p.getProperty(key) == null) {
                throw new IOException(
                        file + " lacks " + key + "; run tessera gpu-setup again to rewrite it");
            }
        }
        return Optional.of(
                new GpuSettings(
                        Path.of(p.getProperty(LIBRARY_PATH)),
                        p.getProperty(VERSION),
                        p.getProperty(FLAVOR),
                        Path.of(p.getProperty("jni")),
                        p.getProperty("found", "")));
    }

    /**
     * Applies the recorded settings to this process, unless the environment names a libtorch
     * itself ({@code PYTORCH_LIBRARY_PATH}: the user's explicit choice wins) or there is no
     * record. Must run before DJL's PyTorch engine starts. Problems are one line to {@code warn};
     * DJL then loads its own libtorch.
     */
    public static void applyRecorded(Consumer<String> warn) {
        applyRecorded(System.getenv(), warn);
    }

    /** As {@link #applyRecorded(Consumer)}, with the environment given. */
    public static void applyRecorded(Map<String, String> environment, Consumer<String> warn) {
        if (environment.get(LIBRARY_PATH) != null || System.getProperty(LIBRARY_PATH) != null) {
            return;
        }
        Path file = file(environment);
        try {
            Optional<GpuSettings> settings = load(file);
            if (settings.isPresent()) {
                settings.get().apply();
            }
        } catch (IOException | UncheckedIOException e) {
            warn.accept(
                    "gpu settings in "
                            + file
                            + " not applied ("
                            + e.getMessage()
                            + "); DJL uses its own libtorch");
        }
    }

    /**
     * Sets DJL's properties (replacing earlier values) and puts the JNI library where DJL will look
     * for it.
     */
    public void apply() throws IOException {
        apply(Utils.getEngineCacheDir());
    }

    /** {@link #apply()} with DJL's engine cache at {@code engineCache}. */
    void apply(Path engineCache) throws IOException {
        if (!Files.isRegularFile(libraryPath.resolve("libtorch.so"))) {
            throw new IOException("no libtorch.so in " + libraryPath + " any more");
        }
        installJni(engineCache);
        System.setProperty(LIBRARY_PATH, libraryPath.toString());
        System.setProperty(VERSION, version);
        System.setProperty(FLAVOR, flavor);
        if (flavor.startsWith("cu") && System.getProperty(CUDNN_BENCHMARK) == null) {
            System.setProperty(CUDNN_BENCHMARK, "true");
        }
    }

    /**
     * Copies the JNI library into {@code <cache>/pytorch/<version>-<flavor>-<classifier>/} as
     * {@code <djl version>-libdjl_torch.so}, the name DJL looks for there, unless the same file is
     * there already. Returns its path.
     */
    Path installJni(Path engineCache) throws IOException {
        if (!Files.isRegularFile(jni)) {
            throw new IOException("the JNI library " + jni + " is gone");
        }
        Platform platform = Platform.detectPlatform("pytorch");
        Path dir =
                engineCache
                        .resolve("pytorch")
                        .resolve(version + '-' + flavor + '-' + platform.getClassifier());
        Path target = dir.resolve(platform.getApiVersion() + '-' + JNI_NAME);
        // Copies keep the time to the microsecond at best: compare whole milliseconds.
        if (Files.isRegularFile(target)
                && Files.size(target) == Files.size(jni)
                && Files.getLastModifiedTime(target).toMillis()
                        == Files.getLastModifiedTime(jni).toMillis()) {
            return target;
        }
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".jni", ".tmp");
        Files.copy(jni, tmp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }
}
