package dev.tessera.runtime.cli;

import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.server.ModelRegistry;
import dev.tessera.runtime.server.ServerConfig;
import dev.tessera.runtime.server.TokenizerServer;
import dev.tessera.runtime.testing.ImageFiles;
import dev.tessera.runtime.testing.ToyImages;
import dev.tessera.runtime.testing.ToyTokenizer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The fixture of the {@code encode}/{@code decode} tests: a grayscale and an RGB toy model, a real
 * server on localhost holding both, three small PNG files, and a way to run the command line and
 * read what it printed.
 */
abstract class CliTestBase {

    /** Tokens of quadrants.png, gray37.png and rgb.png for the toy model (K=16, grid 2x2). */
    static final int[] EXPECTED_IDS = {0, 15, 6, 4, 2, 2, 2, 2, 7, 7, 7, 7};

    @TempDir Path temp;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    Path model;
    Path rgbModel;
    Tokenizer tokenizer;
    ModelRegistry registry;
    TokenizerServer server;
    List<String> images;

    @BeforeEach
    void setUp() throws Exception {
        model = ToyTokenizer.gray("toy", "1").writeTo(temp);
        rgbModel = ToyTokenizer.rgb("toy-rgb", "1").writeTo(temp);
        tokenizer = Tokenizer.open(model);
        registry = new ModelRegistry();
        registry.register(Tokenizer.open(model));
        registry.register(Tokenizer.open(rgbModel));
        server = TokenizerServer.start(registry, ServerConfig.defaults().withPort(0));
        Path dir = Files.createDirectories(temp.resolve("images"));
        images =
                List.of(
                        write(dir.resolve("quadrants.png"), gray(ToyImages.quadrants())),
                        write(dir.resolve("gray37.png"), gray(ToyImages.uniform(1, 37))),
                        // Luma of (200, 100, 50) is 124.2, read as 124: token floor(124 * 16 / 256)
                        // = 7.
                        write(
                                dir.resolve("rgb.png"),
                                ImageFiles.rgb("png", 8, 8, 200, 100, 50).toByteArray()));
    }

    @AfterEach
    void tearDown() {
        server.close();
        registry.close();
        tokenizer.close();
    }

    static byte[] gray(byte[] pixels) {
        return ImageFiles.gray("png", 8, 8, pixels).toByteArray();
    }

    static String write(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes);
        return file.toString();
    }

    int run(String... args) {
        out.reset();
        err.reset();
        return new RuntimeCli(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(args);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String serverAddress() {
        return "127.0.0.1:" + server.port();
    }

    String[] args(String... head) {
        List<String> all = new ArrayList<>(List.of(head));
        all.addAll(images);
        return all.toArray(String[]::new);
    }
}
