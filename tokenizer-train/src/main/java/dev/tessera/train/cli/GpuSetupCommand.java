package dev.tessera.train.cli;

import ai.djl.engine.Engine;

import dev.tessera.train.gpu.GpuSettings;
import dev.tessera.train.gpu.JniBuild;
import dev.tessera.train.gpu.LocalTorch;
import dev.tessera.train.train.DeviceSelection;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * {@code tessera gpu-setup}: makes DJL train on this machine's PyTorch (a current CUDA build, which
 * DJL's prebuilt JNI library cannot load). Finds that PyTorch, builds DJL's JNI library from DJL's
 * sources against it, records the settings ({@link GpuSettings}) that every later {@code tessera}
 * run applies, and checks that DJL then loads it.
 */
final class GpuSetupCommand {

    static final String USAGE =
            String.join(
                    System.lineSeparator(),
                    "usage: tessera gpu-setup --djl-source DIR [--libtorch DIR] [options]",
                    "       tessera gpu-setup --check",
                    "",
                    "Builds DJL's PyTorch JNI library against this machine's PyTorch (CMake and a"
                            + " C++ compiler,",
                    "about 30 s on 16 cores) and records where it is, so that tessera trains on it"
                            + " without",
                    "environment variables. Then loads it through DJL and says what it sees.",
                    "",
                    "  --djl-source DIR   DJL 0.35.1's sources (the repository, or its"
                            + " engines/pytorch/pytorch-native)",
                    "  --libtorch DIR     a torch package, its lib/ folder or an unpacked libtorch"
                            + " (default: the",
                    "                     torch that --python imports)",
                    "  --python CMD       Python to ask for torch (default python3)",
                    "  --jobs N           parallel compile jobs (default: the number of cores)",
                    "  --check            only load the recorded libtorch and say what DJL sees",
                    "",
                    "Settings: $XDG_CONFIG_HOME/tessera/gpu.properties (~/.config/tessera); the"
                            + " environment",
                    "variable PYTORCH_LIBRARY_PATH, when set, wins over them.",
                    "");

    private static final Set<String> VALUED = Set.of("djl-source", "libtorch", "python", "jobs");
    private static final Set<String> SWITCHES = Set.of("check", "verbose", "help");

    private final PrintStream out;
    private final Map<String, String> environment;

    GpuSetupCommand(PrintStream out, Map<String, String> environment) {
        this.out = out;
        this.environment = environment;
    }

    int run(String[] args) throws IOException {
        Flags flags = Flags.parse(args, VALUED, SWITCHES);
        if (flags.has("help")) {
            out.print(USAGE);
            return 0;
        }
        if (!flags.has("check")) {
            setUp(flags);
        }
        check();
        return 0;
    }

    private void setUp(Flags flags) throws IOException {
        if (!flags.has("djl-source")) {
            throw new Flags.UsageException(
                    "--djl-source DIR is required: DJL 0.35.1's sources, to build its JNI library");
        }
        LocalTorch torch =
                flags.has("libtorch")
                        ? LocalTorch.fromDirectory(Path.of(flags.string("libtorch", "")))
                        : LocalTorch.fromPython(flags.string("python", "python3"));
        out.println("gpu-setup: found " + torch.describe());
        Path buildDir = cacheHome().resolve("djl-jni").resolve(torch.release() + "-" + torch.flavor());
        JniBuild build =
                new JniBuild(
                        Path.of(flags.string("djl-source", "")),
                        buildDir,
                        Path.of(System.getProperty("java.home")),
                        flags.integer("jobs", Runtime.getRuntime().availableProcessors()));
        out.println("gpu-setup: building DJL's JNI library against it in " + buildDir);
        long start = System.nanoTime();
        Path jni = build.run(torch);
        out.printf("gpu-setup: built %s in %.0f s%n", jni, (System.nanoTime() - start) / 1e9);
        GpuSettings settings = GpuSettings.of(torch, jni);
        Path file = GpuSettings.file(environment);
        settings.save(file);
        out.println(
                "gpu-setup: wrote "
                        + file
                        + " (PYTORCH_LIBRARY_PATH="
                        + settings.libraryPath()
                        + ", PYTORCH_VERSION="
                        + settings.version()
                        + ", PYTORCH_FLAVOR="
                        + settings.flavor()
                        + ")");
        if (environment.get(GpuSettings.LIBRARY_PATH) == null) {
            settings.apply();
        }
    }

    /** Starts DJL's engine with the recorded settings applied and says what it loaded. */
    private void check() {
        if (environment.get(GpuSettings.LIBRARY_PATH) != null) {
            out.println(
                    "gpu-setup: PYTORCH_LIBRARY_PATH is set in the environment and wins over the"
                            + " recorded settings");
        }
        int gpus = Engine.getEngine("PyTorch").getGpuCount();
        out.println(
                "gpu-setup: DJL loads "
                        + DeviceSelection.libtorch()
                        + "; it sees "
                        + (gpus == 1 ? "1 GPU" : gpus + " GPUs"));
    }

    private Path cacheHome() {
        String cache = environment.get("XDG_CACHE_HOME");
        return (cache != null && !cache.isBlank()
                        ? Path.of(cache)
                        : Path.of(System.getProperty("user.home"), ".cache"))
                .resolve("tessera");
    }
}
