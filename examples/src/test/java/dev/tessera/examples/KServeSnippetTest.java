package dev.tessera.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.server.ModelRegistry;
import dev.tessera.runtime.server.ServerConfig;
import dev.tessera.runtime.server.TokenizerServer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The KServe v2 client of docs/serving.md, a Python program written from the protocol's {@code
 * .proto} alone, run as the page shows it: its {@code grpc_tools.protoc} line, then its program,
 * against {@code tessera serve} holding a 32×32 tokenizer. Only the address and the model name are
 * replaced. Skipped where no {@code python3} imports grpc, grpc_tools and numpy.
 */
class KServeSnippetTest {

    private static final String MARKER = "<!-- kserve-snippet:";

    @TempDir Path temp;

    @Test
    void theDocumentedClientEncodesAndDecodesThroughTheServer() throws Exception {
        Path python = Python.find("KServeSnippetTest", temp);
        String page = Files.readString(repositoryRoot().resolve("docs/serving.md"));
        String afterMarker = page.substring(page.indexOf(MARKER));
        List<String> blocks = codeBlocks(afterMarker);
        String protoc = blocks.get(0).strip();
        String program = blocks.get(1);

        Path model = temp.resolve("tiny");
        TinyTokenizer.training(model, 32).run(line -> {});
        Path work = Files.createDirectories(temp.resolve("client"));
        ExternalProgram.Result generated =
                ExternalProgram.run(
                        new ProcessBuilder(
                                        "sh",
                                        "-c",
                                        protoc.replace("python3", python.toString())
                                                .replace(
                                                        "proto/src/main/proto",
                                                        repositoryRoot()
                                                                .resolve("proto/src/main/proto")
                                                                .toString()))
                                .directory(work.toFile()),
                        Python.TIMEOUT,
                        temp);
        assertEquals(0, generated.exitCode(), generated.output());

        try (ModelRegistry registry = new ModelRegistry()) {
            registry.register(Tokenizer.open(model));
            try (TokenizerServer server =
                    TokenizerServer.start(registry, ServerConfig.defaults().withPort(0))) {
                Path script =
                        Files.writeString(
                                work.resolve("client.py"),
                                program.replace("localhost:50051", "127.0.0.1:" + server.port())
                                        .replace("synthetic-shapes", "tiny"));
                ProcessBuilder run =
                        new ProcessBuilder(python.toString(), script.toString())
                                .directory(work.toFile());
                run.environment().put("PYTHONDONTWRITEBYTECODE", "1");
                ExternalProgram.Result result = ExternalProgram.run(run, Python.TIMEOUT, temp);
                assertEquals(0, result.exitCode(), result.output());
                assertTrue(
                        result.output().contains("(2, 8, 8) int32 (2, 1, 32, 32) uint8"),
                        result.output());
            }
        }
    }

    /** The contents of the fenced code blocks of {@code markdown}, in order. */
    private static List<String> codeBlocks(String markdown) {
        Matcher m = Pattern.compile("(?ms)^```[a-z]*\\n(.*?)^```").matcher(markdown);
        List<String> blocks = new java.util.ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    private static Path repositoryRoot() {
        return ExternalProgram.moduleDir().getParent();
    }
}
