package dev.tessera.train.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Recording gpu-setup's result and applying it to a later process. */
class GpuSettingsTest {

    @TempDir Path temp;

    @AfterEach
    void forgetProperties() {
        // Only this test sets them; no PyTorch engine starts in between.
        for (String p :
                List.of(
                        GpuSettings.LIBRARY_PATH,
                        GpuSettings.VERSION,
                        GpuSettings.FLAVOR,
                        GpuSettings.CUDNN_BENCHMARK)) {
            System.clearProperty(p);
        }
    }

    private GpuSettings settings() throws IOException {
        Path torch = FakeTorch.wheel(temp, "2.11.0+cu130", "13.0");
        Path jni = temp.resolve("build/libdjl_torch.so");
        Files.createDirectories(jni.getParent());
        Files.writeString(jni, "a shared library");
        return GpuSettings.of(LocalTorch.fromDirectory(torch), jni);
    }

    @Test
    void theFileLivesUnderXdgConfigHome() {
        assertEquals(
                temp.resolve("tessera/gpu.properties"),
                GpuSettings.file(Map.of("XDG_CONFIG_HOME", temp.toString())));
        assertEquals(
                Path.of(System.getProperty("user.home"), ".config/tessera/gpu.properties"),
                GpuSettings.file(Map.of()));
    }

    @Test
    void savedSettingsLoadAsWritten() throws IOException {
        GpuSettings settings = settings();
        Path file = temp.resolve("config/tessera/gpu.properties");
        settings.save(file);
        assertEquals(settings, GpuSettings.load(file).orElseThrow());
        assertTrue(Files.readString(file).contains(GpuSettings.CUDNN_BENCHMARK + "=true"));
        assertTrue(GpuSettings.load(temp.resolve("none")).isEmpty());
    }

    @Test
    void theJniLibraryGoesWhereDjlLooksForItOnce() throws IOException {
        GpuSettings settings = settings();
        Path cache = temp.resolve("cache");
        Path installed = settings.installJni(cache);
        String djl = Engine.getDjlVersion();
        assertEquals(
                cache.resolve("pytorch/2.11.0-cu130-linux-x86_64/" + djl + "-libdjl_torch.so"),
                installed);
        assertEquals("a shared library", Files.readString(installed));
        // The same file (size and time) is left alone: a same-sized mark written over it stays.
        FileTime time = Files.getLastModifiedTime(installed);
        Files.writeString(installed, "A SHARED LIBRARY");
        Files.setLastModifiedTime(installed, time);
        settings.installJni(cache);
        assertEquals("A SHARED LIBRARY", Files.readString(installed));
        // A rebuilt library replaces it.
        Files.writeString(settings.jni(), "a rebuilt shared library");
        settings.installJni(cache);
        assertEquals("a rebuilt shared library", Files.readString(installed));
    }

    @Test
    void applyingSetsDjlsPropertiesAndInstallsTheJni() throws IOException {
        GpuSettings settings = settings();
        Path cache = temp.resolve("cache");
        settings.apply(cache);
        assertEquals(settings.libraryPath().toString(), System.getProperty("PYTORCH_LIBRARY_PATH"));
        assertEquals("2.11.0", System.getProperty("PYTORCH_VERSION"));
        assertEquals("cu130", System.getProperty("PYTORCH_FLAVOR"));
        assertEquals("true", System.getProperty(GpuSettings.CUDNN_BENCHMARK));
        assertTrue(Files.isDirectory(cache.resolve("pytorch/2.11.0-cu130-linux-x86_64")));
    }

    @Test
    void theEnvironmentsOwnLibtorchWinsOverTheRecord() throws IOException {
        settings().save(temp.resolve("tessera/gpu.properties"));
        List<String> warnings = new ArrayList<>();
        GpuSettings.applyRecorded(
                Map.of("XDG_CONFIG_HOME", temp.toString(), "PYTORCH_LIBRARY_PATH", "/elsewhere"),
                warnings::add);
        assertNull(System.getProperty("PYTORCH_LIBRARY_PATH"));
        assertEquals(List.of(), warnings);
    }

    @Test
    void aRecordWhoseLibtorchIsGoneIsOneWarningAndChangesNothing() throws IOException {
        GpuSettings settings = settings();
        settings.save(temp.resolve("tessera/gpu.properties"));
        Files.delete(settings.libraryPath().resolve("libtorch.so"));
        List<String> warnings = new ArrayList<>();
        GpuSettings.applyRecorded(Map.of("XDG_CONFIG_HOME", temp.toString()), warnings::add);
        assertNull(System.getProperty("PYTORCH_LIBRARY_PATH"));
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("no libtorch.so in"), warnings.get(0));
    }
}
