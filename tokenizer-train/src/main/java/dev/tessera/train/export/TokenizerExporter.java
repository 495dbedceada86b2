package dev.tessera.train.export;

import dev.tessera.api.v1.InputSpec;
import dev.tessera.api.v1.LatentGrid;
import dev.tessera.api.v1.TensorNames;
import dev.tessera.api.v1.TokenizerManifest;
import dev.tessera.api.v1.TrainingSummary;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.artifact.ManifestSchema;
import dev.tessera.runtime.artifact.OnnxProvenance;
import dev.tessera.format.FloatMatrix;
import dev.tessera.runtime.artifact.TokenizerDirectory;
import dev.tessera.train.io.DirectoryTree;
import dev.tessera.train.model.Architecture;
import dev.tessera.train.model.FloatTensor;
import dev.tessera.train.model.ParameterSet;
import dev.tessera.train.train.TrainedTokenizer;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Writes a tokenizer directory (docs/artifact.md) from a trained model: ONNX encoder and
 * decoder, codebook.npy and tessera.json with checksums. Everything is written into a temporary
 * sibling directory, checked against the DJL model through the runtime library, and only then
 * renamed into place. The graphs take any image size that is a multiple of the downsampling
 * factor, which the manifest records as {@code input.size_multiple}, and carry their provenance
 * ({@link OnnxProvenance}): the manifest is settled before the graphs are written, so that they
 * can name its hash.
 */
public final class TokenizerExporter {

    private final String producerVersion;

    public TokenizerExporter(String producerVersion) {
        this.producerVersion = producerVersion;
    }

    /** What the manifest says about the tokenizer besides its shape. */
    public record Description(
            String name, String version, TrainingSummary training, Map<String, Double> metrics) {}

    /**
     * Exports {@code model} to {@code target}. An existing {@code target} is replaced only when
     * {@code overwrite} is set.
     *
     * @throws ExportCheckException when the exported graphs disagree with the model on {@code
     *     validation}
     */
    public ExportCheck export(
            TrainedTokenizer model,
            Description description,
            ImageBatch validation,
            Path target,
            boolean overwrite)
            throws IOException {
        return export(model, description, validation, target, overwrite, dir -> {});
    }

    /** Writes extra files (the report) into the directory before it is checksummed. */
    @FunctionalInterface
    public interface ExtraFiles {
        void write(Path dir) throws IOException;
    }

    /**
     * As {@link #export(TrainedTokenizer, Description, ImageBatch, Path, boolean)}, with {@code
     * extras} written into the directory too, covered by the manifest's checksums.
     */
    public ExportCheck export(
            TrainedTokenizer model,
            Description description,
            ImageBatch validation,
            Path target,
            boolean overwrite,
            ExtraFiles extras)
            throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        if (Files.exists(absolute) && !overwrite) {
            throw new IOException(
                    absolute
                            + " already exists; choose another output directory or allow"
                            + " overwriting");
        }
        Path parent = absolute.getParent();
        Files.createDirectories(parent);
        Path staging = Files.createTempDirectory(parent, "." + absolute.getFileName() + ".tmp-");
        try {
            writeFiles(model, description, staging, extras);
            ExportCheck check;
            try (Tokenizer exported = Tokenizer.open(staging)) {
                check = ExportCheck.run(model, exported, validation);
            }
            if (!check.passed()) {
                throw new ExportCheckException(check);
            }
            moveIntoPlace(staging, absolute);
            return check;
        } finally {
            DirectoryTree.delete(staging);
        }
    }

    private void writeFiles(
            TrainedTokenizer model, Description description, Path dir, ExtraFiles extras)
            throws IOException {
        Architecture arch = model.network().architecture();
        Map<String, FloatTensor> weights = model.params().snapshot();
        FloatTensor codebook = ParameterSet.toTensor(model.quantizer().codebook(model.params()));
        TokenizerManifest manifest = manifest(model, description);
        Files.write(
                dir.resolve(TokenizerDirectory.ENCODER),
                OnnxProvenance.stamp(
                                TokenizerGraphs.encoder(
                                        arch,
                                        weights,
                                        codebook,
                                        model.quantizer().tanhBounded(),
                                        producerVersion),
                                manifest)
                        .toByteArray());
        Files.write(
                dir.resolve(TokenizerDirectory.DECODER),
                OnnxProvenance.stamp(
                                TokenizerGraphs.decoder(arch, weights, codebook, producerVersion),
                                manifest)
                        .toByteArray());
        new FloatMatrix(codebook.dim(0), codebook.dim(1), codebook.data())
                .write(dir.resolve(TokenizerDirectory.CODEBOOK));
        extras.write(dir);
        TokenizerDirectory.writeManifest(dir, TokenizerDirectory.withChecksums(dir, manifest));
    }

    private static TokenizerManifest manifest(TrainedTokenizer model, Description description) {
        Architecture arch = model.network().architecture();
        return TokenizerManifest.newBuilder()
                .setSchemaVersion(ManifestSchema.SCHEMA_VERSION)
                .setName(description.name())
                .setVersion(description.version())
                .setQuantizer(model.quantizer().kind())
                .setCodebookSize(model.quantizer().codebookSize())
                .setCodeDim(model.quantizer().codeDim())
                .setGrid(
                        LatentGrid.newBuilder()
                                .setHeight(arch.gridHeight())
                                .setWidth(arch.gridWidth()))
                .setInput(
                        InputSpec.newBuilder()
                                .setChannels(arch.channels())
                                .setHeight(arch.imageHeight())
                                .setWidth(arch.imageWidth())
                                .setSizeMultiple(arch.downsample())
                                .setDtype(ManifestSchema.INPUT_DTYPE))
                .setOnnxOpset(Math.toIntExact(TokenizerGraphs.OPSET))
                .setTraining(description.training())
                .putAllMetrics(description.metrics())
                .setTensors(
                        TensorNames.newBuilder()
                                .setEncoderInput(TokenizerGraphs.PIXELS)
                                .setEncoderOutput(TokenizerGraphs.TOKENS)
                                .setEncoderLatents(TokenizerGraphs.LATENTS)
                                .setDecoderInput(TokenizerGraphs.TOKENS)
                                .setDecoderOutput(TokenizerGraphs.PIXELS))
                .build();
    }

    /**
     * Renames the staged directory to its target; an old target is moved aside first, then deleted.
     */
    private static void moveIntoPlace(Path staging, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old =
                    Files.createTempDirectory(
                            target.getParent(), "." + target.getFileName() + ".old-");
            Files.delete(old);
            atomicMove(target, old);
        }
        atomicMove(staging, target);
        if (old != null) {
            DirectoryTree.delete(old);
        }
    }

    private static void atomicMove(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }
}
