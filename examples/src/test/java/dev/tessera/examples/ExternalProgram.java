package dev.tessera.examples;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program of another language to completion for the examples' client tests, with a time
 * limit and its stdout and stderr captured together in a log file.
 */
final class ExternalProgram {

    /** A finished process: its exit status and output, the command line first. */
    record Result(int exitCode, String output) {}

    private ExternalProgram() {}

    /**
     * Runs {@code builder} (whose command, directory and environment the caller set) and fails the
     * test with the output so far when it does not finish within {@code timeout}.
     */
    static Result run(ProcessBuilder builder, Duration timeout, Path logDir)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile(logDir, "process", ".log");
        String command = String.join(" ", builder.command());
        Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            fail(
                    command
                            + " did not finish in "
                            + timeout.toSeconds()
                            + " s; its output:\n"
                            + Files.readString(log));
        }
        return new Result(process.exitValue(), "$ " + command + "\n" + Files.readString(log));
    }

    /** The executable {@code program} in a directory of the PATH. */
    static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        boolean windows = System.getProperty("os.name").startsWith("Windows");
        List<String> names =
                windows ? List.of(program + ".cmd", program + ".exe") : List.of(program);
        for (String dir : path.split(File.pathSeparator)) {
            for (String name : names) {
                Path candidate = Path.of(dir).resolve(name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** The examples module directory: surefire runs tests there and names it in {@code basedir}. */
    static Path moduleDir() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
                .toAbsolutePath();
    }
}
