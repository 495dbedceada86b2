package dev.tessera.examples;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The Python interpreter the examples' Python tests run: the first of {@code python3} on the PATH
 * and {@code /usr/bin/python3} that imports grpc, grpc_tools and numpy. Where there is none, the
 * calling test is skipped with a message saying how to install them.
 */
final class Python {

    private static final List<String> INTERPRETERS = List.of("python3", "/usr/bin/python3");
    private static final String NEEDED_MODULES = "import grpc, grpc_tools.protoc, numpy";

    /** Time one Python program gets. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Python() {}

    /**
     * The interpreter, or the test skipped.
     *
     * @param test the test's name, for the skip message
     * @param logDir where the probes' output goes
     */
    static Path find(String test, Path logDir) throws Exception {
        for (String name : INTERPRETERS) {
            Optional<Path> found =
                    name.contains("/")
                            ? Optional.of(Path.of(name)).filter(Files::isExecutable)
                            : ExternalProgram.onPath(name);
            if (found.isPresent() && importsNeededModules(found.get(), logDir)) {
                return found.get();
            }
        }
        String why =
                "no python3 with grpc, grpc_tools and numpy (tried "
                        + String.join(", ", INTERPRETERS)
                        + "; Debian: apt-get install python3-grpcio python3-grpc-tools"
                        + " python3-numpy python3-pkg-resources): "
                        + test
                        + " is skipped";
        // Surefire's console shows only a skip count; say why in the build log too.
        System.out.println(test + ": " + why);
        Assumptions.assumeTrue(false, why);
        return null;
    }

    private static boolean importsNeededModules(Path interpreter, Path logDir) throws Exception {
        ProcessBuilder probe = new ProcessBuilder(interpreter.toString(), "-c", NEEDED_MODULES);
        return ExternalProgram.run(probe, TIMEOUT, logDir).exitCode() == 0;
    }
}
