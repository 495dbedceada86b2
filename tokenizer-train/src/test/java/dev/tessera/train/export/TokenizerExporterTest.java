package dev.tessera.train.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;

import dev.tessera.api.v1.TokenizerManifest;
import dev.tessera.api.v1.TrainingSummary;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.format.FloatMatrix;
import dev.tessera.runtime.artifact.TokenizerDirectory;
import dev.tessera.train.data.SyntheticShapes;
import dev.tessera.train.model.Architecture;
import dev.tessera.train.model.ParameterSet;
import dev.tessera.train.model.TokenizerNetwork;
import dev.tessera.train.quantize.GmVqConfig;
import dev.tessera.train.quantize.GmVqQuantizer;
import dev.tessera.train.train.TokenizerTrainer;
import dev.tessera.train.train.TrainConfig;
import dev.tessera.train.train.TrainedTokenizer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writing a tokenizer directory from a trained model: files, manifest, self-check, atomic
 * replacement.
 */
class TokenizerExporterTest {

    private static final int K = 16;
    private static TrainedTokenizer model;
    private static ImageBatch validation;

    @TempDir Path temp;

    @BeforeAll
    static void train() {
        Architecture arch = new Architecture(1, 32, 32, 8, 4, 4, 1);
        model =
                new TokenizerTrainer(
                                new TokenizerNetwork(arch),
                                new GmVqQuantizer(GmVqConfig.defaults(K, 4)),
                                new TrainConfig(3, 16, 2e-3, 5, 2, 1),
                                Device.cpu(),
                                p -> {})
                        .train(new SyntheticShapes().generate(128, 5));
        validation = new SyntheticShapes().generate(12, 6);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static TokenizerExporter.Description description() {
        return new TokenizerExporter.Description(
                "unit",
                "3",
                TrainingSummary.newBuilder().setSteps(3).setSeed(5).build(),
                Map.of("mse", 0.25));
    }

    @Test
    void writesAVerifiedDirectoryWithTheModelsShapeAndCodebook() throws IOException {
        Path dir = temp.resolve("tok");
        ExportCheck check =
                new TokenizerExporter("test").export(model, description(), validation, dir, false);

        assertTrue(check.passed(), check.summary());
        assertEquals(12 * 64, check.totalTokens());
        TokenizerManifest manifest = TokenizerDirectory.readManifest(dir);
        assertEquals("unit", manifest.getName());
        assertEquals("3", manifest.getVersion());
        assertEquals("gmvq", manifest.getQuantizer());
        assertEquals(K, manifest.getCodebookSize());
        assertEquals(4, manifest.getCodeDim());
        assertEquals(8, manifest.getGrid().getHeight());
        assertEquals(32, manifest.getInput().getWidth());
        assertEquals(17, manifest.getOnnxOpset());
        assertEquals(0.25, manifest.getMetricsOrThrow("mse"));
        assertEquals(
                Map.of(
                        "encoder.onnx",
                        TokenizerDirectory.sha256(dir.resolve("encoder.onnx")),
                        "decoder.onnx",
                        TokenizerDirectory.sha256(dir.resolve("decoder.onnx")),
                        "codebook.npy",
                        TokenizerDirectory.sha256(dir.resolve("codebook.npy"))),
                manifest.getSha256Map());
        FloatMatrix codebook = FloatMatrix.read(dir.resolve("codebook.npy"));
        float[] expected = model.quantizer().codebook(model.params()).toFloatArray();
        assertEquals(K, codebook.rows());
        assertTrue(java.util.Arrays.equals(expected, codebook.values()));
        try (Tokenizer tokenizer = Tokenizer.open(dir)) {
            assertEquals(K, tokenizer.codebookSize());
        }
        assertNoStagingLeft();
    }

    @Test
    void refusesAnExistingDirectoryUnlessOverwriting() throws IOException {
        Path dir = temp.resolve("tok");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("keep.txt"), "old");
        IOException e =
                assertThrows(
                        IOException.class,
                        () ->
                                new TokenizerExporter("test")
                                        .export(model, description(), validation, dir, false));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertTrue(Files.exists(dir.resolve("keep.txt")), "refusal leaves the old directory alone");

        new TokenizerExporter("test").export(model, description(), validation, dir, true);
        assertFalse(
                Files.exists(dir.resolve("keep.txt")), "overwrite replaces the whole directory");
        assertTrue(Files.exists(dir.resolve("encoder.onnx")));
        assertNoStagingLeft();
    }

    @Test
    void selfCheckFailsWithTheNumbersWhenTheGraphsDisagreeWithTheModel() throws IOException {
        Path dir = temp.resolve("tok");
        new TokenizerExporter("test").export(model, description(), validation, dir, false);
        try (Tokenizer exported = Tokenizer.open(dir)) {
            ParameterSet params = model.params();
            NDArray bias = params.get("decoder.head.bias");
            float[] original = bias.toFloatArray();
            try {
                bias.stopGradient()
                        .addi(0.2f); // the DJL model now decodes 0.2 * 255 = 51 levels brighter
                ExportCheck check = ExportCheck.run(model, exported, validation);
                assertFalse(check.passed());
                assertTrue(check.maxPixelDifference() >= 40, check.summary());
                assertTrue(
                        new ExportCheckException(check)
                                .getMessage()
                                .contains("decoder max pixel difference"));
            } finally {
                bias.stopGradient()
                        .subi(bias.stopGradient().sub(bias.getManager().create(original)));
            }
        }
    }

    @Test
    void selfCheckFailsWhenTheEncoderDisagrees() throws IOException {
        Path dir = temp.resolve("tok");
        new TokenizerExporter("test").export(model, description(), validation, dir, false);
        try (Tokenizer exported = Tokenizer.open(dir)) {
            NDArray weight = model.params().get("encoder.head.weight");
            float[] original = weight.toFloatArray();
            try {
                // A sign flip of the encoder's last layer moves every latent to another code.
                weight.stopGradient().muli(weight.getManager().create(-1f));
                ExportCheck check = ExportCheck.run(model, exported, validation);
                assertFalse(check.passed(), check.summary());
                assertTrue(check.matchingTokens() < check.totalTokens() / 2, check.summary());
            } finally {
                weight.stopGradient()
                        .subi(weight.stopGradient().sub(weight.getManager().create(original).reshape(weight.getShape())));
            }
        }
    }

    private void assertNoStagingLeft() throws IOException {
        try (Stream<Path> files = Files.list(temp)) {
            assertEquals(
                    0,
                    files.filter(p -> p.getFileName().toString().startsWith(".")).count(),
                    "no temporary directory left beside the target");
        }
    }
}
