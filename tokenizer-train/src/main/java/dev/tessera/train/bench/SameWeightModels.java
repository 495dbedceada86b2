package dev.tessera.train.bench;

import ai.djl.Device;

import dev.tessera.api.v1.TrainingSummary;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.onnx.TokenizerOptions;
import dev.tessera.train.data.SyntheticShapes;
import dev.tessera.train.export.ExportCheck;
import dev.tessera.train.export.TokenizerExporter;
import dev.tessera.train.io.DirectoryTree;
import dev.tessera.train.model.Architecture;
import dev.tessera.train.model.TokenizerNetwork;
import dev.tessera.train.quantize.QuantizerConfig;
import dev.tessera.train.train.TokenizerTrainer;
import dev.tessera.train.train.TrainConfig;
import dev.tessera.train.train.TrainedTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One set of weights twice: a tokenizer trained here with DJL on the built-in synthetic shapes, and
 * the same weights exported to a temporary tokenizer directory and opened with the runtime library
 * (ONNX Runtime). The export passes the exporter's own self-check (equal tokens, decoded pixels
 * within one level) before it is opened. Owns the DJL parameters, the ONNX Runtime sessions and the
 * temporary directory; {@link #close()} releases all three.
 */
final class SameWeightModels implements AutoCloseable {

    private static final int TRAIN_IMAGES = 2048;
    private static final int VALIDATION_IMAGES = 64;

    private final Path tempDir;
    private final TrainedTokenizer djl;
    private final Tokenizer onnx;
    private final ExportCheck exportCheck;

    private SameWeightModels(
            Path tempDir, TrainedTokenizer djl, Tokenizer onnx, ExportCheck exportCheck) {
        this.tempDir = tempDir;
        this.djl = djl;
        this.onnx = onnx;
        this.exportCheck = exportCheck;
    }

    /**
     * Trains {@code architecture} with {@code quantizer} for {@code training.steps()} steps on
     * {@code device}, exports it and opens the export with {@code onnxOptions}.
     *
     * @throws IOException if the temporary directory cannot be written
     */
    static SameWeightModels train(
            Architecture architecture,
            QuantizerConfig quantizer,
            TrainConfig training,
            Device device,
            TokenizerOptions onnxOptions)
            throws IOException {
        if (architecture.channels() != 1
                || architecture.imageHeight() != architecture.imageWidth()) {
            throw new IllegalArgumentException(
                    "the synthetic shapes are square grayscale images; got an architecture for "
                            + architecture.channels()
                            + "x"
                            + architecture.imageHeight()
                            + "x"
                            + architecture.imageWidth());
        }
        SyntheticShapes shapes = new SyntheticShapes(architecture.imageHeight());
        Path tempDir = Files.createTempDirectory("tessera-onnx-vs-djl-");
        TrainedTokenizer djl = null;
        try {
            djl =
                    new TokenizerTrainer(
                                    new TokenizerNetwork(architecture),
                                    quantizer.create(),
                                    training,
                                    device,
                                    progress -> {})
                            .train(shapes.generate(TRAIN_IMAGES, training.seed()));
            Path dir = tempDir.resolve("tokenizer");
            ExportCheck check =
                    new TokenizerExporter("benchmark")
                            .export(
                                    djl,
                                    description(training),
                                    shapes.generate(VALIDATION_IMAGES, training.seed() + 1),
                                    dir,
                                    false);
            return new SameWeightModels(tempDir, djl, Tokenizer.open(dir, onnxOptions), check);
        } catch (IOException | RuntimeException e) {
            if (djl != null) {
                djl.close();
            }
            DirectoryTree.delete(tempDir);
            throw e;
        }
    }

    private static TokenizerExporter.Description description(TrainConfig training) {
        return new TokenizerExporter.Description(
                "onnx-vs-djl",
                "1",
                TrainingSummary.newBuilder()
                        .setData("synthetic")
                        .setSteps(training.steps())
                        .setSeed(training.seed())
                        .setBatchSize(training.batchSize())
                        .setLearningRate(training.learningRate())
                        .build(),
                Map.of());
    }

    /** The DJL model: network, quantizer and trained parameters. */
    TrainedTokenizer djl() {
        return djl;
    }

    /** The same weights through the runtime library and ONNX Runtime. */
    Tokenizer onnx() {
        return onnx;
    }

    /** The exporter's self-check of the ONNX graphs against the DJL model. */
    ExportCheck exportCheck() {
        return exportCheck;
    }

    @Override
    public void close() throws IOException {
        try {
            onnx.close();
            djl.close();
        } finally {
            DirectoryTree.delete(tempDir);
        }
    }
}
