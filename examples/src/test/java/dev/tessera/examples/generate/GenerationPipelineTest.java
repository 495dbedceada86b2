package dev.tessera.examples.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.tessera.examples.TinyTokenizer;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.server.ModelRegistry;
import dev.tessera.runtime.server.ServerConfig;
import dev.tessera.runtime.server.TokenizerServer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole pipeline on a tiny tokenizer of synthetic shapes: once through an (in-process) gRPC
 * server, training the prior a few steps, then again in process from the saved prior. The samples
 * are grids of the tokenizer's shape with ids in [0, K), the library decodes them to the server's
 * pixels, and the saved prior draws the same grids again.
 */
class GenerationPipelineTest {

    private static final int K = TinyTokenizer.CODEBOOK_SIZE;

    @TempDir Path temp;

    @Test
    void trainsSamplesAndDecodesThroughAServerThenAgainInProcessFromTheSavedPrior()
            throws Exception {
        Path tokenizerDir = temp.resolve("tiny");
        TinyTokenizer.training(tokenizerDir, 16).run(line -> {});
        Path out = temp.resolve("out");
        PriorConfig config = new PriorConfig(1, 2, 16, 4, 8, 3e-3, 0, 1);
        SamplingSettings sampling = new SamplingSettings(1.0, 0, 3);

        GenerationResult served;
        try (ModelRegistry registry = new ModelRegistry()) {
            registry.register(Tokenizer.open(tokenizerDir));
            try (TokenizerServer server =
                    TokenizerServer.startInProcess(
                            registry, "gen-" + System.nanoTime(), ServerConfig.defaults())) {
                GenerateOptions options =
                        new GenerateOptions(
                                null,
                                server.address(),
                                "tiny",
                                "synthetic",
                                out,
                                null,
                                config,
                                false,
                                sampling,
                                20,
                                128,
                                32,
                                "cpu",
                                0);
                served = Generate.run(options, quiet());
            }
        }

        TokenBatch samples = served.samples();
        assertEquals(20, samples.count());
        assertEquals(4, samples.height());
        assertEquals(4, samples.width());
        for (int id : samples.ids()) {
            assertTrue(id >= 0 && id < K, "id " + id);
        }
        try (Tokenizer library = Tokenizer.open(tokenizerDir)) {
            ImageBatch decoded = library.decode(samples);
            assertEquals(20, decoded.count());
            assertEquals(16, decoded.height());
            assertArrayEquals(decoded.pixels(), served.decoded().pixels());
        }
        assertEquals(4, served.training().steps());
        for (String file : new String[] {"samples.png", "independent.png", "prior/prior.json"}) {
            assertTrue(Files.size(out.resolve(file)) > 0, file);
        }
        JsonObject json =
                JsonParser.parseString(Files.readString(out.resolve("generation.json")))
                        .getAsJsonObject();
        for (String key :
                new String[] {"frechet_transformer", "frechet_independent", "frechet_recon"}) {
            double value = json.get(key).getAsDouble();
            assertTrue(value >= 0 && Double.isFinite(value), key + " = " + value);
        }
        assertEquals(20, json.get("frechet_samples").getAsInt());

        GenerateOptions again =
                new GenerateOptions(
                        tokenizerDir,
                        null,
                        null,
                        "synthetic",
                        temp.resolve("again"),
                        out.resolve("prior"),
                        config,
                        false,
                        sampling,
                        20,
                        128,
                        32,
                        "cpu",
                        0);
        GenerationResult inProcess = Generate.run(again, quiet());
        assertEquals(samples, inProcess.samples(), "the saved prior draws the same grids");
        assertEquals(null, inProcess.training());
        assertEquals(served.frechet(), inProcess.frechet());
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
