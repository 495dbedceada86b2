package dev.tessera.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** {@code tessera gpu-setup} up to the build, which needs the GPU machine's libtorch. */
class GpuSetupCommandTest {

    @TempDir Path temp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** Runs {@code tessera gpu-setup ARGS} behind the trainer's error boundary. */
    private int run(String... args) {
        PrintStream printOut = new PrintStream(out, true, StandardCharsets.UTF_8);
        GpuSetupCommand command =
                new GpuSetupCommand(
                        printOut,
                        Map.of(
                                "XDG_CONFIG_HOME", temp.resolve("config").toString(),
                                "XDG_CACHE_HOME", temp.resolve("cache").toString()));
        return TrainCli.configure(
                        new CommandLine(command),
                        printOut,
                        new PrintStream(err, true, StandardCharsets.UTF_8))
                .execute(args);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theDjlSourcesAreRequired() {
        assertEquals(2, run());
        assertTrue(err().contains("--djl-source"), err());
    }

    @Test
    void aBuildThatCannotStartWritesNoSettings() throws IOException {
        Path torch = temp.resolve("torch");
        Files.createDirectories(torch.resolve("lib"));
        Files.writeString(torch.resolve("lib/libtorch.so"), "");
        Files.writeString(
                torch.resolve("version.py"), "__version__ = '2.11.0+cu130'\ncuda = '13.0'\n");
        assertEquals(
                1,
                run(
                        "--djl-source",
                        temp.resolve("no-djl").toString(),
                        "--libtorch",
                        torch.toString()));
        assertTrue(err().contains("does not hold DJL"), err());
        String log = out.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("found PyTorch 2.11.0+cu130 for CUDA 13.0"), log);
        assertFalse(Files.exists(temp.resolve("config/tessera/gpu.properties")));
    }

    @Test
    void checkSaysWhichLibtorchDjlLoads() throws IOException {
        assertEquals(0, run("--check"), err());
        String log = out.toString(StandardCharsets.UTF_8);
        assertTrue(log.startsWith("gpu-setup: DJL loads libtorch "), log);
        assertTrue(log.matches("(?s).*; it sees \\d+ GPUs?\\R"), log);
    }
}
