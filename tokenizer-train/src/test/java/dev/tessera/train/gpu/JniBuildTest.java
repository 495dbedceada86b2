package dev.tessera.train.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Building DJL's JNI library: where the sources are, the CMake command, and what a failed build
 * says. The build itself needs a libtorch with its CMake package, which only the GPU machine has.
 */
class JniBuildTest {

    @TempDir Path temp;

    /** A DJL checkout reduced to what the build looks at. */
    private Path djlSources(String cmakeLists, boolean withHeader) throws IOException {
        Path root = temp.resolve("djl");
        Path nativeDir = root.resolve("engines/pytorch/pytorch-native");
        Files.createDirectories(nativeDir.resolve("src/main/native"));
        Files.writeString(nativeDir.resolve("CMakeLists.txt"), cmakeLists);
        if (withHeader) {
            Files.createDirectories(nativeDir.resolve("build/include"));
            Files.writeString(
                    nativeDir.resolve("build/include/ai_djl_pytorch_jni_PyTorchLibrary.h"), "");
        } else {
            Path java =
                    root.resolve(
                            "engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni");
            Files.createDirectories(java);
            Files.writeString(
                    java.resolve("PyTorchLibrary.java"),
                    "package ai.djl.pytorch.jni;\n"
                            + "final class PyTorchLibrary { native int torchGetNumThreads(); }\n");
        }
        return root;
    }

    private JniBuild build(Path sources) {
        return new JniBuild(
                sources, temp.resolve("build"), Path.of(System.getProperty("java.home")), 2);
    }

    @Test
    void theSourcesAreFoundFromTheRepositoryOrTheirOwnFolder() throws IOException {
        Path root = djlSources("", true);
        Path nativeDir = root.resolve("engines/pytorch/pytorch-native");
        assertEquals(nativeDir, build(root).nativeSources());
        assertEquals(nativeDir, build(nativeDir).nativeSources());
        IOException e = assertThrows(IOException.class, () -> build(temp).nativeSources());
        assertTrue(e.getMessage().contains("--djl-source"), e.getMessage());
    }

    @Test
    void cudaBuildsGetUseCudaAndEveryBuildTheTorchPackage() throws IOException {
        Path root = djlSources("", true);
        LocalTorch cuda = LocalTorch.fromDirectory(FakeTorch.wheel(temp, "2.11.0+cu130", "13.0"));
        List<String> command = build(root).configureCommand(cuda);
        assertEquals("cmake", command.get(0));
        assertTrue(command.contains("-DUSE_CUDA=1"), command.toString());
        assertTrue(command.contains("-DCMAKE_PREFIX_PATH=" + cuda.cmakePrefix()));
        assertTrue(command.contains("-DCMAKE_BUILD_TYPE=Release"));
        assertFalse(command.stream().anyMatch(c -> c.startsWith("-DCMAKE_CXX_FLAGS")));
        LocalTorch cpu =
                new LocalTorch(cuda.libDir(), cuda.cmakePrefix(), "2.11.0+cpu", "");
        assertFalse(build(root).configureCommand(cpu).contains("-DUSE_CUDA=1"));
    }

    @Test
    void aFailedBuildIsOneLineWithItsLastWordsAndTheLog() throws IOException {
        assumeTrue(onPath("cmake"), "needs CMake");
        Path root = djlSources("message(FATAL_ERROR \"no libtorch in this test\")\n", false);
        LocalTorch torch = LocalTorch.fromDirectory(FakeTorch.wheel(temp, "2.11.0+cu130", "13.0"));
        IOException e = assertThrows(IOException.class, () -> build(root).run(torch));
        assertTrue(e.getMessage().startsWith("cmake failed (exit 1)"), e.getMessage());
        assertTrue(e.getMessage().contains(temp.resolve("build/cmake.log").toString()));
        assertTrue(
                Files.readString(temp.resolve("build/cmake.log"))
                        .contains("no libtorch in this test"));
        // A plain checkout's JNI header was made first, with javac -h, into the build directory.
        assertTrue(
                Files.isRegularFile(
                        temp.resolve("build/include/ai_djl_pytorch_jni_PyTorchLibrary.h")));
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
