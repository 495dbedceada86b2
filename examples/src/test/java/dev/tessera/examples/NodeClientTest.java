package dev.tessera.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.Tokenizer;
import dev.tessera.runtime.server.ModelRegistry;
import dev.tessera.runtime.server.ServerConfig;
import dev.tessera.runtime.server.TokenizerServer;
import dev.tessera.train.api.ImageDataSet;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

/**
 * The Node.js client in {@code examples/node-client}, which knows the API only from the {@code
 * .proto} files, against a real server on a TCP port: its tokens are the library's tokens of the
 * same PNG, its decoded PNG holds the library's pixels, and an unknown model is a NOT_FOUND it
 * reports with a non-zero exit. Skipped where {@code node} or {@code npm} is not on the PATH.
 */
class NodeClientTest {

    private static final int K = TinyTokenizer.CODEBOOK_SIZE;
    private static final String TOKEN = "node-client-test-token";
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(60);

    @TempDir Path temp;

    @Test
    void nodeClientGetsTheLibrarysTokensAndPixels() throws Exception {
        Path node = requireOnPath("node");
        Path npm = requireOnPath("npm");
        Path clientDir = moduleDir().resolve("node-client");
        installDependencies(npm, clientDir);

        Path modelDir = temp.resolve("tiny");
        TinyTokenizer.training(modelDir, 32).run(line -> {});
        ImageBatch image = ImageDataSet.syntheticShapes(1, 99);
        Path png = writeGrayPng(temp.resolve("shape.png"), image);
        Path tokenFile = Files.writeString(temp.resolve("token.txt"), TOKEN + "\n");

        try (ModelRegistry registry = new ModelRegistry()) {
            Tokenizer library = Tokenizer.open(modelDir);
            registry.register(library);
            TokenBatch libraryTokens = library.encode(image);
            ImageBatch libraryPixels = library.decode(libraryTokens);
            // With a bearer token, so that the client's call metadata is exercised as well.
            ServerConfig config =
                    ServerConfig.defaults().withPort(0).withAuthTokenFile(Optional.of(tokenFile));
            try (TokenizerServer server = TokenizerServer.start(registry, config)) {
                List<String> client =
                        List.of(
                                node.toString(),
                                "client.js",
                                "--server",
                                "127.0.0.1:" + server.port(),
                                "--auth-token-file",
                                tokenFile.toString(),
                                "--deadline-ms",
                                "30000",
                                "--in",
                                png.toString());

                Path tokensJson = temp.resolve("tokens.json");
                Path decodedPng = temp.resolve("decoded.png");
                Run ok =
                        run(
                                concat(
                                        client,
                                        "--model",
                                        "tiny",
                                        "--tokens-out",
                                        tokensJson.toString(),
                                        "--out",
                                        decodedPng.toString()),
                                clientDir,
                                NODE_TIMEOUT);
                assertEquals(0, ok.exitCode(), ok.output());
                String json = Files.readString(tokensJson);
                assertTrue(json.contains("\"shape\": [1, 8, 8]"), json);
                assertTrue(json.contains("\"codebook_size\": " + K), json);
                assertArrayEquals(libraryTokens.ids(), jsonIds(json), json);
                assertArrayEquals(libraryPixels.pixels(), grayPixels(decodedPng), ok.output());

                Run unknown =
                        run(concat(client, "--model", "no-such-model"), clientDir, NODE_TIMEOUT);
                assertNotEquals(0, unknown.exitCode(), unknown.output());
                assertTrue(unknown.output().contains("NOT_FOUND"), unknown.output());
            }
        }
    }

    /** Output of a finished process, stdout and stderr together. */
    private record Run(int exitCode, String output) {}

    private Run run(List<String> command, Path dir, Duration timeout)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile(temp, "process", ".log");
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        // The client must find the .proto files by its own default path, not a caller's setting.
        builder.environment().remove("TESSERA_PROTO_DIR");
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            fail(
                    String.join(" ", command)
                            + " did not finish in "
                            + timeout.toSeconds()
                            + " s; its output:\n"
                            + Files.readString(log));
        }
        String output = "$ " + String.join(" ", command) + "\n" + Files.readString(log);
        return new Run(process.exitValue(), output);
    }

    /**
     * Runs {@code npm ci} unless node_modules was installed from the current package-lock.json (npm
     * writes node_modules/.package-lock.json on every install). A failed install fails the test.
     */
    private void installDependencies(Path npm, Path clientDir) throws Exception {
        Path lock = clientDir.resolve("package-lock.json");
        Path installed = clientDir.resolve("node_modules").resolve(".package-lock.json");
        if (Files.exists(installed)
                && Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(lock))
                        >= 0) {
            return;
        }
        Run install =
                run(
                        List.of(npm.toString(), "ci", "--no-audit", "--no-fund"),
                        clientDir,
                        NPM_TIMEOUT);
        assertEquals(0, install.exitCode(), "npm ci failed:\n" + install.output());
    }

    /** The examples module directory: surefire runs tests there and names it in {@code basedir}. */
    private static Path moduleDir() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
                .toAbsolutePath();
    }

    /** The program's path, or the test skipped with a message saying which program is missing. */
    private static Path requireOnPath(String program) {
        Optional<Path> found = onPath(program);
        if (found.isEmpty()) {
            // Surefire's console shows only a skip count; say why in the build log too.
            String why = program + " is not on the PATH: the Node.js client test is skipped";
            System.out.println("NodeClientTest: " + why);
            Assumptions.assumeTrue(false, why);
        }
        return found.get();
    }

    private static Optional<Path> onPath(String program) {
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

    private static List<String> concat(List<String> command, String... more) {
        List<String> all = new ArrayList<>(command);
        all.addAll(Arrays.asList(more));
        return all;
    }

    private static int[] jsonIds(String json) {
        Matcher m = Pattern.compile("\"ids\": \\[([^\\]]*)\\]").matcher(json);
        assertTrue(m.find(), "no \"ids\" array in " + json);
        return Arrays.stream(m.group(1).split(","))
                .map(String::strip)
                .mapToInt(Integer::parseInt)
                .toArray();
    }

    private static Path writeGrayPng(Path file, ImageBatch image) throws IOException {
        BufferedImage png =
                new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                png.getRaster().setSample(x, y, 0, image.pixel(0, 0, y, x));
            }
        }
        assertTrue(ImageIO.write(png, "png", file.toFile()), "no PNG writer");
        return file;
    }

    private static byte[] grayPixels(Path file) throws IOException {
        BufferedImage png = ImageIO.read(file.toFile());
        assertNotNull(png, file + " is not an image ImageIO reads");
        Raster raster = png.getRaster();
        assertEquals(1, raster.getNumBands(), "a one-channel model's PNG is grayscale");
        byte[] pixels = new byte[png.getWidth() * png.getHeight()];
        for (int y = 0; y < png.getHeight(); y++) {
            for (int x = 0; x < png.getWidth(); x++) {
                pixels[y * png.getWidth() + x] = (byte) raster.getSample(x, y, 0);
            }
        }
        return pixels;
    }
}
