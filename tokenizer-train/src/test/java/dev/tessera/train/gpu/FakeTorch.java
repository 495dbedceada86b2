package dev.tessera.train.gpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** PyTorch installations made of empty files, laid out as the real ones are. */
final class FakeTorch {

    private FakeTorch() {}

    /** A pip wheel's torch package: lib/libtorch.so, version.py, share/cmake/Torch. */
    static Path wheel(Path parent, String version, String cuda) throws IOException {
        Path torch = parent.resolve("site-packages/torch");
        Files.createDirectories(torch.resolve("lib"));
        Files.createDirectories(torch.resolve("share/cmake/Torch"));
        Files.writeString(torch.resolve("lib/libtorch.so"), "");
        Files.writeString(
                torch.resolve("version.py"),
                "from typing import Optional\n"
                        + "__all__ = ['__version__', 'debug', 'cuda', 'git_version', 'hip']\n"
                        + "__version__ = '"
                        + version
                        + "'\n"
                        + "debug = False\n"
                        + "cuda: Optional[str] = "
                        + (cuda == null ? "None" : "'" + cuda + "'")
                        + "\n"
                        + "hip: Optional[str] = None\n");
        return torch;
    }

    /** An executable that answers like {@code python3 -c PROBE} for {@code torch}. */
    static Path python(Path dir, Path torch, String version, String cuda) throws IOException {
        return script(
                dir.resolve("python"),
                "echo '" + version + "'\n"
                        + "echo '" + (cuda == null ? "" : cuda) + "'\n"
                        + "echo '" + torch + "'\n"
                        + "echo '" + torch.resolve("share/cmake") + "'\n");
    }

    static Path script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
