package dev.tessera.train.gpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds DJL's PyTorch JNI library ({@code libdjl_torch.so}) from DJL's own sources against a local
 * PyTorch, with CMake and the system's C++ compiler. DJL's prebuilt JNI only links against the
 * libtorch it was released with (2.7.1 for DJL 0.35.1); the same sources compile against current
 * PyTorch releases unchanged. The build runs out of the source tree, so the sources may be
 * read-only; its output and logs go to {@code buildDir}.
 *
 * @param source DJL's sources: the repository root or its {@code engines/pytorch/pytorch-native}
 * @param buildDir where CMake builds; {@code cmake.log} and {@code make.log} are written there
 * @param javaHome a JDK (or a runtime with its {@code include/} folder) for the JNI headers
 * @param jobs parallel compile jobs
 */
public record JniBuild(Path source, Path buildDir, Path javaHome, int jobs) {

    static final String LIBRARY = "libdjl_torch.so";
    private static final String NATIVE = "engines/pytorch/pytorch-native";
    private static final String HEADER = "ai_djl_pytorch_jni_PyTorchLibrary.h";
    private static final String LIBRARY_CLASS =
            "engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java";

    /** The directory with DJL's PyTorch JNI {@code CMakeLists.txt}. */
    Path nativeSources() throws IOException {
        for (Path candidate : List.of(source.resolve(NATIVE), source)) {
            if (Files.isRegularFile(candidate.resolve("CMakeLists.txt"))
                    && Files.isDirectory(candidate.resolve("src/main/native"))) {
                return candidate;
            }
        }
        throw new IOException(
                source
                        + " does not hold DJL's PyTorch JNI sources ("
                        + NATIVE
                        + "/CMakeLists.txt); give DJL 0.35.1's source tree with --djl-source");
    }

    /** The CMake configure command for {@code torch}. */
    List<String> configureCommand(LocalTorch torch) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("cmake");
        command.add("-S");
        command.add(nativeSources().toString());
        command.add("-B");
        command.add(buildDir.toString());
        command.add("-DCMAKE_BUILD_TYPE=Release");
        command.add("-DCMAKE_PREFIX_PATH=" + torch.cmakePrefix());
        command.add("-DJAVA_HOME=" + javaHome);
        if (!torch.cuda().isEmpty()) {
            command.add("-DUSE_CUDA=1");
        }
        if (!Files.isRegularFile(nativeSources().resolve("build/include").resolve(HEADER))) {
            // A plain DJL checkout: the header Gradle generates is made in the build directory.
            command.add("-DCMAKE_CXX_FLAGS=-I" + buildDir.resolve("include"));
        }
        return command;
    }

    /**
     * The JNI header the sources include. DJL's Gradle build writes it with {@code javac -h}; a
     * plain checkout lacks it, so it is made the same way into the build directory.
     */
    private void generateHeaderIfMissing() throws IOException {
        if (Files.isRegularFile(nativeSources().resolve("build/include").resolve(HEADER))) {
            return;
        }
        Path library = source.resolve(LIBRARY_CLASS);
        if (!Files.isRegularFile(library)) {
            throw new IOException(
                    "neither build/include/" + HEADER + " nor " + LIBRARY_CLASS + " is in " + source);
        }
        Path javac = javaHome.resolve("bin").resolve("javac");
        run(
                List.of(
                        javac.toString(),
                        "-h",
                        buildDir.resolve("include").toString(),
                        "-d",
                        buildDir.resolve("classes").toString(),
                        library.toString()),
                buildDir.resolve("javac.log"));
    }

    /** Configures and compiles; returns the built library. */
    public Path run(LocalTorch torch) throws IOException {
        Files.createDirectories(buildDir);
        generateHeaderIfMissing();
        run(configureCommand(torch), buildDir.resolve("cmake.log"));
        run(
                List.of(
                        "cmake",
                        "--build",
                        buildDir.toString(),
                        "--parallel",
                        String.valueOf(Math.max(1, jobs))),
                buildDir.resolve("make.log"));
        Path library = buildDir.resolve(LIBRARY);
        if (!Files.isRegularFile(library)) {
            throw new IOException(
                    "the build finished without " + LIBRARY + "; see " + buildDir.resolve("make.log"));
        }
        return library;
    }

    private void run(List<String> command, Path log) throws IOException {
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        // CMake's FindJNI looks at JAVA_HOME in the environment too.
        builder.environment().put("JAVA_HOME", javaHome.toString());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IOException(
                    "cannot run " + command.get(0) + " (" + e.getMessage() + "); install CMake", e);
        }
        try {
            if (!process.waitFor(30, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException(command.get(0) + " ran for 30 minutes; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while building the JNI library", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(
                    Path.of(command.get(0)).getFileName()
                            + (command.contains("--build") ? " --build" : "")
                            + " failed (exit "
                            + process.exitValue()
                            + "): "
                            + lastLine(log)
                            + "; the whole output is in "
                            + log);
        }
    }

    private static String lastLine(Path log) throws IOException {
        List<String> lines =
                Files.readAllLines(log).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return lines.isEmpty() ? "no output" : lines.get(lines.size() - 1);
    }
}
