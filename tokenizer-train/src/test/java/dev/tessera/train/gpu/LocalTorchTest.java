package dev.tessera.train.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finding a local PyTorch: through Python, or in a directory. */
class LocalTorchTest {

    @TempDir Path temp;

    @Test
    void pythonsTorchGivesTheLibraryCmakePackageVersionAndFlavour() throws IOException {
        Path torch = FakeTorch.wheel(temp, "2.11.0+cu130", "13.0");
        LocalTorch found =
                LocalTorch.fromPython(
                        FakeTorch.python(temp, torch, "2.11.0+cu130", "13.0").toString());
        assertEquals(torch.resolve("lib"), found.libDir());
        assertEquals(torch.resolve("share/cmake"), found.cmakePrefix());
        assertEquals("2.11.0", found.release());
        assertEquals("cu130", found.flavor());
        assertEquals(
                "PyTorch 2.11.0+cu130 for CUDA 13.0 in " + torch.resolve("lib"), found.describe());
    }

    @Test
    void aPythonWithoutTorchIsOneLineNamingTheWayOut() throws IOException {
        Path python =
                FakeTorch.script(
                        temp.resolve("python"),
                        "echo 'Traceback (most recent call last):'\n"
                                + "echo \"ModuleNotFoundError: No module named 'torch'\"\nexit 1\n");
        IOException e =
                assertThrows(IOException.class, () -> LocalTorch.fromPython(python.toString()));
        assertTrue(e.getMessage().contains("No module named 'torch'"), e.getMessage());
        assertTrue(e.getMessage().contains("--libtorch DIR"), e.getMessage());
    }

    @Test
    void aWheelIsFoundFromItsPackageOrItsLibFolder() throws IOException {
        Path torch = FakeTorch.wheel(temp, "2.11.0+cu130", "13.0");
        for (Path given : new Path[] {torch, torch.resolve("lib")}) {
            LocalTorch found = LocalTorch.fromDirectory(given);
            assertEquals(torch.resolve("lib"), found.libDir());
            assertEquals("13.0", found.cuda());
            assertEquals("cu130", found.flavor());
        }
    }

    @Test
    void aCpuBuildHasTheCpuFlavour() throws IOException {
        LocalTorch found = LocalTorch.fromDirectory(FakeTorch.wheel(temp, "1.13.0a0", null));
        assertEquals("", found.cuda());
        assertEquals("cpu", found.flavor());
        assertEquals("1.13.0", found.release());
    }

    @Test
    void anUnpackedLibtorchArchiveTellsItsCudaByItsBuildVersion() throws IOException {
        Path libtorch = temp.resolve("libtorch");
        Files.createDirectories(libtorch.resolve("lib"));
        Files.writeString(libtorch.resolve("lib/libtorch.so"), "");
        Files.writeString(libtorch.resolve("build-version"), "2.7.1+cu128\n");
        LocalTorch found = LocalTorch.fromDirectory(libtorch);
        assertEquals("12.8", found.cuda());
        assertEquals("cu128", found.flavor());
        assertEquals("2.7.1", found.release());
        assertEquals(libtorch.resolve("share/cmake"), found.cmakePrefix());
    }

    @Test
    void aDirectoryWithoutLibtorchIsRefused() {
        IOException e = assertThrows(IOException.class, () -> LocalTorch.fromDirectory(temp));
        assertTrue(e.getMessage().contains("libtorch.so"), e.getMessage());
    }
}
