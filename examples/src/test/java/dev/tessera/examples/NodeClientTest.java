package dev.tessera.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.server.ModelRegistry;
import dev.tessera.runtime.server.ServerConfig;
import dev.tessera.runtime.server.TokenizerServer;
import dev.tessera.train.api.ImageDataSet;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;


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
        Path clientDir = ExternalProgram.moduleDir().resolve("node-client");
        installDependencies(npm, clientDir);

        Path modelDir = temp.resolve("tiny");
        TinyTokenizer.training(modelDir, 32).run(line -> {});
        ImageBatch image = ImageDataSet.syntheticShapes(1, 99);
        Path png = GrayPng.write(temp.resolve("shape.png"), image, 0);
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
                ExternalProgram.Result ok =
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
                assertArrayEquals(libraryPixels.pixels(), GrayPng.read(decodedPng), ok.output());

                ExternalProgram.Result unknown =
                        run(concat(client, "--model", "no-such-model"), clientDir, NODE_TIMEOUT);
                assertNotEquals(0, unknown.exitCode(), unknown.output());
                assertTrue(unknown.output().contains("NOT_FOUND"), unknown.output());
            }
        }
    }

    private ExternalProgram.Result run(List<String> command, Path dir, Duration timeout)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        // The client must find the .proto files by its own default path, not a caller's setting.
        builder.environment().remove("TESSERA_PROTO_DIR");
        return ExternalProgram.run(builder, timeout, temp);
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
        ExternalProgram.Result install =
                run(
                        List.of(npm.toString(), "ci", "--no-audit", "--no-fund"),
                        clientDir,
                        NPM_TIMEOUT);
        assertEquals(0, install.exitCode(), "npm ci failed:\n" + install.output());
    }

    /** The program's path, or the test skipped with a message saying which program is missing. */
    private static Path requireOnPath(String program) {
        Optional<Path> found = ExternalProgram.onPath(program);
        if (found.isEmpty()) {
            // Surefire's console shows only a skip count; say why in the build log too.
            String why = program + " is not on the PATH: the Node.js client test is skipped";
            System.out.println("NodeClientTest: " + why);
            Assumptions.assumeTrue(false, why);
        }
        return found.get();
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
}
