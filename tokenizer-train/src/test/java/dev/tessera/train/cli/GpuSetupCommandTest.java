package dev.tessera.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    private GpuSetupCommand command() {
        return new GpuSetupCommand(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                Map.of(
                        "XDG_CONFIG_HOME", temp.resolve("config").toString(),
                        "XDG_CACHE_HOME", temp.resolve("cache").toString()));
    }

    @Test
    void theDjlSourcesAreRequired() {
        Flags.UsageException e =
                assertThrows(Flags.UsageException.class, () -> command().run(new String[0]));
        assertTrue(e.getMessage().contains("--djl-source"), e.getMessage());
    }

    @Test
    void aBuildThatCannotStartWritesNoSettings() throws IOException {
        Path torch = temp.resolve("torch");
        Files.createDirectories(torch.resolve("lib"));
        Files.writeString(torch.resolve("lib/libtorch.so"), "");
        Files.writeString(torch.resolve("version.py"), "__version__ = '2.11.0+cu130'\ncuda = '13.0'\n");
        IOException e =
                assertThrows(
                        IOException.class,
                        () ->
                                command()
                                        .run(
                                                new String[] {
                                                    "--djl-source",
                                                    temp.resolve("no-djl").toString(),
                                                    "--libtorch",
                                                    torch.toString()
                                                }));
        assertTrue(e.getMessage().contains("does not hold DJL"), e.getMessage());
        String log = out.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("found PyTorch 2.11.0+cu130 for CUDA 13.0"), log);
        assertFalse(Files.exists(temp.resolve("config/tessera/gpu.properties")));
    }

    @Test
    void checkSaysWhichLibtorchDjlLoads() throws IOException {
        assertEquals(0, command().run(new String[] {"--check"}));
        String log = out.toString(StandardCharsets.UTF_8);
        assertTrue(log.startsWith("gpu-setup: DJL loads libtorch "), log);
        assertTrue(log.matches("(?s).*; it sees \\d+ GPUs?\\R"), log);
    }
}
