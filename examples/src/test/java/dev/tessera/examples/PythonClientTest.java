package dev.tessera.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.server.ModelRegistry;
import dev.tessera.runtime.server.ServerConfig;
import dev.tessera.runtime.server.TokenizerServer;
import dev.tessera.runtime.server.security.TlsConfig;
import dev.tessera.train.api.ImageDataSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Python client in {@code examples/python}, whose stubs are generated from the {@code .proto}
 * files at run time, against real servers on local ports: the folder program's int64 tokens and
 * labels are the library's, the decoding program's PNGs hold the library's pixels, the README's
 * call (quickstart.py) round-trips raw pixels, and a failure is one line naming the gRPC status or
 * the image file. Skipped where no {@code python3} (on the PATH, then {@code /usr/bin/python3})
 * imports grpc, grpc_tools and numpy.
 */
class PythonClientTest {

    private static final String TOKEN = "python-client-test-token";
    private static final Duration PYTHON_TIMEOUT = Python.TIMEOUT;

    /** Images 0-2 go into the class folder "cats", 3-6 into "dogs". */
    private static final int IMAGES = 7;

    private static final int CATS = 3;

    @TempDir static Path temp;

    private static Path python;
    private static Path modelDir;
    private static ImageBatch images;
    private static TokenBatch libraryTokens;
    private static ImageBatch libraryPixels;

    @BeforeAll
    static void trainAndRegister() throws Exception {
        python = Python.find("PythonClientTest", temp);
        modelDir = temp.resolve("tiny");
        TinyTokenizer.training(modelDir, 32).run(line -> {});
        images = ImageDataSet.syntheticShapes(IMAGES, 99);
        try (Tokenizer library = Tokenizer.open(modelDir)) {
            libraryTokens = library.encode(images);
            libraryPixels = library.decode(libraryTokens);
        }
    }

    /**
     * A registry of its own for each server: a model's batchers live in the registry and keep the
     * batch limit of the first server that used them.
     */
    private static ModelRegistry registry() {
        ModelRegistry registry = new ModelRegistry();
        registry.register(Tokenizer.open(modelDir));
        return registry;
    }

    @Test
    void folderProgramsOverMutualTlsWithATokenGiveTheLibrarysTokensAndPixels() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("classes"));
        for (int i = 0; i < IMAGES; i++) {
            Path dir = Files.createDirectories(folder.resolve(i < CATS ? "cats" : "dogs"));
            GrayPng.write(dir.resolve("img" + i + ".png"), images, i);
        }
        Path out = temp.resolve("out");
        Path decoded = temp.resolve("decoded");
        Path tokenFile = Files.writeString(temp.resolve("token.txt"), TOKEN + "\n");
        TlsConfig tls =
                new TlsConfig(tls("server.pem"), tls("server.key"), Optional.of(tls("ca.pem")));
        ServerConfig config =
                ServerConfig.defaults()
                        .withPort(0)
                        .withMaxBatch(4)
                        .withTls(Optional.of(tls))
                        .withAuthTokenFile(Optional.of(tokenFile));
        try (ModelRegistry registry = registry();
                TokenizerServer server = TokenizerServer.start(registry, config)) {
            // Every option of the client at once: a server that checks them refuses a call
            // missing any of them.
            List<String> connection =
                    List.of(
                            "--server", "localhost:" + server.port(),
                            "--tls-ca", tls("ca.pem").toString(),
                            "--tls-cert", tls("client.pem").toString(),
                            "--tls-key", tls("client.key").toString(),
                            "--auth-token-file", tokenFile.toString(),
                            "--deadline", "30");
            // Batches of 3 under the server's limit of 4: the program must split the 7 files.
            ExternalProgram.Result tokenize =
                    succeeds(
                            program(
                                    "tokenize_folder.py",
                                    connection,
                                    folder.toString(),
                                    "--out",
                                    out.resolve("tokens.npy").toString(),
                                    "--batch-size",
                                    "3"));
            ExternalProgram.Result decode =
                    succeeds(
                            program(
                                    "decode_tokens.py",
                                    connection,
                                    out.resolve("tokens.npy").toString(),
                                    "--out-dir",
                                    decoded.toString(),
                                    "--batch-size",
                                    "4"));

            NpyArray tokens = NpyArray.read(out.resolve("tokens.npy"));
            assertArrayEquals(new long[] {IMAGES, 8, 8}, tokens.shape(), tokenize.output());
            assertArrayEquals(libraryTokens.ids(), tokens.int64s(), tokenize.output());
            NpyArray labels = NpyArray.read(out.resolve("tokens.labels.npy"));
            assertArrayEquals(new long[] {IMAGES}, labels.shape());
            assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1, 1}, labels.int64s());
            assertEquals("cats\ndogs\n", Files.readString(out.resolve("tokens.classes.txt")));
            List<String> rows = Files.readAllLines(out.resolve("tokens.files.txt"));
            assertEquals(
                    List.of("cats/img0.png", "cats/img1.png", "cats/img2.png"),
                    rows.subList(0, CATS));
            assertEquals("dogs/img6.png", rows.get(IMAGES - 1));
            for (int i = 0; i < IMAGES; i++) {
                Path png = decoded.resolve(String.format("%06d.png", i));
                assertArrayEquals(
                        libraryPixels.image(i).pixels(),
                        GrayPng.read(png),
                        png + "\n" + decode.output());
            }
        }
    }

    @Test
    void quickstartRoundTripsRawPixels() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("quickstart"));
        Path imagesNpy = dir.resolve("images.npy");
        new NpyArray("|u1", images.shape(), images.pixels()).write(imagesNpy);
        try (ModelRegistry registry = registry();
                TokenizerServer server = TokenizerServer.start(registry, plaintext())) {
            ProcessBuilder quickstart = python(dir, "quickstart.py", imagesNpy.toString());
            quickstart.environment().put("TESSERA_SERVER", "127.0.0.1:" + server.port());
            ExternalProgram.Result run = succeeds(quickstart);

            NpyArray tokens = NpyArray.read(dir.resolve("quickstart-tokens.npy"));
            assertArrayEquals(libraryTokens.shape(), tokens.shape(), run.output());
            assertArrayEquals(libraryTokens.ids(), tokens.int32s(), run.output());
            NpyArray pixels = NpyArray.read(dir.resolve("quickstart-decoded.npy"));
            assertEquals("|u1", pixels.descr());
            assertArrayEquals(libraryPixels.shape(), pixels.shape(), run.output());
            assertArrayEquals(libraryPixels.pixels(), pixels.data(), run.output());
        }
    }

    @Test
    void aFailureIsOneLineNamingTheStatusOrTheImageFile() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("flat"));
        GrayPng.write(folder.resolve("a.png"), images, 0);
        GrayPng.write(
                folder.resolve("b-small.png"), new ImageBatch(1, 1, 16, 16, new byte[256]), 0);
        try (ModelRegistry registry = registry();
                TokenizerServer server = TokenizerServer.start(registry, plaintext())) {
            List<String> connection = List.of("--server", "127.0.0.1:" + server.port());
            Path out = temp.resolve("refused").resolve("tokens.npy");

            ExternalProgram.Result unknown =
                    fails(
                            program(
                                    "decode_tokens.py",
                                    connection,
                                    "--model",
                                    "no-such-model",
                                    writeTokens(temp.resolve("one-grid.npy")).toString(),
                                    "--out-dir",
                                    temp.resolve("refused").toString()));
            assertTrue(
                    unknown.output().contains("error: Decode failed: NOT_FOUND: "),
                    unknown.output());

            ExternalProgram.Result wrongSize =
                    fails(
                            program(
                                    "tokenize_folder.py",
                                    connection,
                                    folder.toString(),
                                    "--out",
                                    out.toString()));
            assertTrue(
                    wrongSize
                            .output()
                            .contains(
                                    "error: "
                                            + folder.resolve("b-small.png")
                                            + ": expected 32x32 pixels"),
                    wrongSize.output());
            assertFalse(Files.exists(out), "no token file after a refusal");
        }
    }

    private static ServerConfig plaintext() {
        return ServerConfig.defaults().withPort(0);
    }

    /** One of the library's token grids as an int64 .npy, the dtype PyTorch code hands over. */
    private static Path writeTokens(Path file) throws IOException {
        TokenBatch grid = libraryTokens.grid(0);
        NpyArray.ofInt64(grid.shape(), grid.ids()).write(file);
        return file;
    }

    private ProcessBuilder program(String script, List<String> connection, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(connection);
        return python(temp, script, all.toArray(String[]::new));
    }

    private static ProcessBuilder python(Path workDir, String script, String... args) {
        List<String> command = new ArrayList<>();
        command.add(python.toString());
        command.add(ExternalProgram.moduleDir().resolve("python").resolve(script).toString());
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        Map<String, String> env = builder.environment();
        // The programs must find the .proto files by their own default path, not a caller's
        // setting; the stubs go to this test's directory rather than the source tree.
        env.remove("TESSERA_PROTO_DIR");
        env.remove("TESSERA_SERVER");
        env.put("TESSERA_STUBS_DIR", temp.resolve("stubs").toString());
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        return builder;
    }

    private static ExternalProgram.Result succeeds(ProcessBuilder builder) throws Exception {
        ExternalProgram.Result run = ExternalProgram.run(builder, PYTHON_TIMEOUT, temp);
        assertEquals(0, run.exitCode(), run.output());
        return run;
    }

    /** A run that exits 1 with one line on stderr, not a Python traceback. */
    private static ExternalProgram.Result fails(ProcessBuilder builder) throws Exception {
        ExternalProgram.Result run = ExternalProgram.run(builder, PYTHON_TIMEOUT, temp);
        assertEquals(1, run.exitCode(), run.output());
        assertFalse(run.output().contains("Traceback"), run.output());
        return run;
    }

    private static Path tls(String name) {
        try {
            return Path.of(PythonClientTest.class.getResource("tls/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
