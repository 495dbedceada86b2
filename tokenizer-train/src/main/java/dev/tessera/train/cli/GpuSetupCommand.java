package dev.tessera.train.cli;

import ai.djl.engine.Engine;

import dev.tessera.cli.CommandLines;
import dev.tessera.cli.CommonOptions;
import dev.tessera.cli.IntRange;
import dev.tessera.train.gpu.GpuSettings;
import dev.tessera.train.gpu.JniBuild;
import dev.tessera.train.gpu.LocalTorch;
import dev.tessera.train.train.DeviceSelection;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tessera gpu-setup}: makes DJL train on this machine's PyTorch (a current CUDA build, which
 * DJL's prebuilt JNI library cannot load). Finds that PyTorch, builds DJL's JNI library from DJL's
 * sources against it, records the settings ({@link GpuSettings}) that every later {@code tessera}
 * run applies, and checks that DJL then loads it.
 */
@Command(
        name = "gpu-setup",
        sortOptions = false,
        synopsisHeading = "",
        customSynopsis = {
            "usage: tessera gpu-setup --djl-source DIR [--libtorch DIR] [options]",
            "       tessera gpu-setup --check",
            ""
        },
        description = {
            "Trains on this machine's PyTorch (CUDA): builds DJL's JNI against it and records it.",
            "",
            "Builds DJL's PyTorch JNI library against this machine's PyTorch (CMake and a C++"
                    + " compiler, about 30 s on 16 cores) and records where it is, so that tessera"
                    + " trains on it without environment variables. Then loads it through DJL and"
                    + " says what it sees.",
            ""
        },
        footer = {
            "",
            "Settings: $XDG_CONFIG_HOME/tessera/gpu.properties (~/.config/tessera); the environment"
                    + " variable PYTORCH_LIBRARY_PATH, when set, wins over them."
        })
final class GpuSetupCommand implements Callable<Integer> {

    private final PrintStream out;
    private final Map<String, String> environment;

    @Spec private CommandSpec spec;

    @Option(
            names = "--djl-source",
            paramLabel = "DIR",
            description =
                    "DJL 0.35.1's sources (the repository, or its engines/pytorch/pytorch-native)")
    private Path djlSource;

    @Option(
            names = "--libtorch",
            paramLabel = "DIR",
            description =
                    "a torch package, its lib/ folder or an unpacked libtorch (default: the torch"
                            + " that --python imports)")
    private Path libtorch;

    @Option(
            names = "--python",
            paramLabel = "CMD",
            description = "Python to ask for torch (default ${DEFAULT-VALUE})")
    private String python = "python3";

    @Option(
            names = "--jobs",
            paramLabel = "N",
            description = "parallel compile jobs (default: the number of cores)")
    @IntRange(min = 1)
    private int jobs = Runtime.getRuntime().availableProcessors();

    @Option(
            names = "--check",
            description = "only load the recorded libtorch and say what DJL sees")
    private boolean check;

    @Mixin private CommonOptions common;

    GpuSetupCommand(PrintStream out, Map<String, String> environment) {
        this.out = out;
        this.environment = environment;
    }

    @Override
    public Integer call() throws IOException {
        if (!check) {
            setUp();
        }
        check();
        return 0;
    }

    private void setUp() throws IOException {
        if (djlSource == null) {
            throw CommandLines.usageError(
                    spec,
                    "--djl-source DIR is required: DJL 0.35.1's sources, to build its JNI library");
        }
        LocalTorch torch =
                libtorch != null
                        ? LocalTorch.fromDirectory(libtorch)
                        : LocalTorch.fromPython(python);
        out.println("gpu-setup: found " + torch.describe());
        Path buildDir =
                cacheHome().resolve("djl-jni").resolve(torch.release() + "-" + torch.flavor());
        JniBuild build =
                new JniBuild(djlSource, buildDir, Path.of(System.getProperty("java.home")), jobs);
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
