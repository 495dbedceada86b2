package dev.tessera.train.gpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PyTorch installation on this machine that DJL can load in place of its own libtorch: the
 * directory holding {@code libtorch.so}, the CMake package directory to build DJL's JNI against,
 * PyTorch's version and the CUDA version it was built for (empty for a CPU build). Found through
 * Python ({@code import torch}) or in a directory given by the user: a Python {@code torch}
 * package, its {@code lib} folder, or an unpacked libtorch archive.
 *
 * @param libDir the directory with {@code libtorch.so}
 * @param cmakePrefix the directory CMake's {@code find_package(Torch)} searches
 * @param version PyTorch's version as it reports it, e.g. {@code 2.11.0+cu130}
 * @param cuda CUDA version of the build, e.g. {@code 13.0}; empty for a CPU build
 */
public record LocalTorch(Path libDir, Path cmakePrefix, String version, String cuda) {

    private static final String LIBTORCH = "libtorch.so";
    private static final Pattern RELEASE = Pattern.compile("(\\d+\\.\\d+\\.\\d+).*");
    private static final Pattern CUDA_SUFFIX = Pattern.compile(".*\\+cu(\\d+)(\\d)$");

    /** What Python prints about its torch, one item per line. */
    static final String PROBE =
            "import os, torch, torch.utils; print(torch.__version__);"
                    + " print(torch.version.cuda or ''); print(os.path.dirname(torch.__file__));"
                    + " print(torch.utils.cmake_prefix_path)";

    public LocalTorch {
        if (!Files.isRegularFile(libDir.resolve(LIBTORCH))) {
            throw new IllegalArgumentException(
                    "no " + LIBTORCH + " in " + libDir + ": not a PyTorch library directory");
        }
    }

    /** The version DJL is told ({@code PYTORCH_VERSION}): the release, without a local suffix. */
    public String release() {
        Matcher m = RELEASE.matcher(version);
        return m.matches() ? m.group(1) : version;
    }

    /** DJL's flavour of this build ({@code PYTORCH_FLAVOR}): {@code cu130} for CUDA 13.0, or cpu. */
    public String flavor() {
        return cuda.isEmpty() ? "cpu" : "cu" + cuda.replace(".", "");
    }

    /** One line for logs. */
    public String describe() {
        return "PyTorch "
                + version
                + (cuda.isEmpty() ? " (CPU build)" : " for CUDA " + cuda)
                + " in "
                + libDir;
    }

    /** The torch package that {@code python} imports. */
    public static LocalTorch fromPython(String python) throws IOException {
        Process process =
                new ProcessBuilder(python, "-c", PROBE).redirectErrorStream(true).start();
        String output =
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(python + " took over two minutes to import torch");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + python + " for torch", e);
        }
        List<String> lines = output.strip().lines().toList();
        if (process.exitValue() != 0 || lines.size() < 4) {
            String last = lines.isEmpty() ? "no output" : lines.get(lines.size() - 1);
            throw new IOException(
                    python
                            + " cannot import torch ("
                            + last
                            + "); install PyTorch for it, or give its location with --libtorch"
                            + " DIR");
        }
        int n = lines.size();
        Path torch = Path.of(lines.get(n - 2));
        return new LocalTorch(
                torch.resolve("lib"), Path.of(lines.get(n - 1)), lines.get(n - 4), lines.get(n - 3));
    }

    /**
     * The PyTorch in {@code dir}: a {@code torch} package (with {@code lib/} and {@code
     * version.py}), its {@code lib} folder, or an unpacked libtorch archive (with {@code lib/},
     * {@code share/cmake} and {@code build-version}).
     */
    public static LocalTorch fromDirectory(Path dir) throws IOException {
        Path root = Files.isRegularFile(dir.resolve(LIBTORCH)) ? dir.getParent() : dir;
        Path lib = root.resolve("lib");
        if (!Files.isRegularFile(lib.resolve(LIBTORCH))) {
            throw new IOException(
                    "no lib/" + LIBTORCH + " in " + root + ": give a torch package or libtorch");
        }
        Optional<String[]> python = versionPy(root.resolve("version.py"));
        String version;
        String cuda;
        if (python.isPresent()) {
            version = python.get()[0];
            cuda = python.get()[1];
        } else if (Files.isRegularFile(root.resolve("build-version"))) {
            version = Files.readString(root.resolve("build-version")).strip();
            Matcher m = CUDA_SUFFIX.matcher(version);
            cuda = m.matches() ? m.group(1) + "." + m.group(2) : "";
        } else {
            throw new IOException(
                    "cannot tell the PyTorch version in "
                            + root
                            + ": neither version.py nor build-version is there");
        }
        return new LocalTorch(lib, root.resolve("share").resolve("cmake"), version, cuda);
    }

    /** {@code __version__} and {@code cuda} of a torch package's version.py. */
    private static Optional<String[]> versionPy(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String version = null;
        String cuda = "";
        for (String line : Files.readAllLines(file)) {
            String l = line.strip();
            if (l.startsWith("__version__")) {
                version = quoted(l);
            } else if (l.startsWith("cuda") && l.contains("=")) {
                String value = quoted(l);
                cuda = value == null ? "" : value;
            }
        }
        return version == null ? Optional.empty() : Optional.of(new String[] {version, cuda});
    }

    /** The first quoted string of a line, or null (for {@code cuda = None}). */
    private static String quoted(String line) {
        Matcher m = Pattern.compile("['\"]([^'\"]*)['\"]").matcher(line);
        return m.find() ? m.group(1).toLowerCase(Locale.ROOT) : null;
    }
}
