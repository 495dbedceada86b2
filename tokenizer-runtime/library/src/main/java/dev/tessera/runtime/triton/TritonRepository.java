package dev.tessera.runtime.triton;

import com.google.protobuf.TextFormat;

import dev.tessera.api.triton.DataType;
import dev.tessera.api.triton.ModelConfig;
import dev.tessera.api.triton.ModelDynamicBatching;
import dev.tessera.api.triton.ModelInput;
import dev.tessera.api.triton.ModelOutput;
import dev.tessera.api.v1.TensorNames;
import dev.tessera.api.v1.TokenizerManifest;
import dev.tessera.runtime.artifact.TokenizerDirectory;
import dev.tessera.runtime.onnx.Tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;

/**
 * Writes a tokenizer directory's two ONNX graphs as models of a Triton Inference Server model
 * repository, named as {@code tessera serve} names them on its KServe API:
 *
 * <pre>
 * REPO/NAME.encoder/config.pbtxt         pixels UINT8 [C,H,W] → tokens INT32 [h,w]
 * REPO/NAME.encoder/VERSION/model.onnx
 * REPO/NAME.decoder/config.pbtxt         tokens INT32 [h,w] → pixels UINT8 [C,H,W]
 * REPO/NAME.decoder/VERSION/model.onnx
 * </pre>
 *
 * <p>Each {@code config.pbtxt} names the ONNX Runtime platform, the batch limit, dynamic batching
 * and the tensors without their batch dimension; H, W, h and w are -1 when the model takes any
 * multiple of its downsampling factor. The graphs are copied unchanged (pre- and post-processing
 * are inside them), after the directory has been verified as {@code tessera serve} would.
 */
public final class TritonRepository {

    /** The Triton platform of ONNX models run by ONNX Runtime. */
    public static final String PLATFORM = "onnxruntime_onnx";

    /** The file name Triton looks for in a version directory of an ONNX model. */
    public static final String MODEL_FILE = "model.onnx";

    /** The model configuration file of a Triton model. */
    public static final String CONFIG_FILE = "config.pbtxt";

    /**
     * How Triton is to serve the models.
     *
     * @param version the Triton version directory, a positive integer
     * @param maxBatch Triton's {@code max_batch_size}: most images or grids per model run
     * @param maxQueueDelayMicros longest wait for a batch to fill
     */
    public record Settings(long version, int maxBatch, long maxQueueDelayMicros) {
        public Settings {
            if (version < 1 || maxBatch < 1 || maxQueueDelayMicros < 0) {
                throw new IllegalArgumentException(
                        "expected a version ≥ 1, a batch limit ≥ 1 and a delay ≥ 0, got "
                                + version
                                + ", "
                                + maxBatch
                                + ", "
                                + maxQueueDelayMicros);
            }
        }
    }

    private TritonRepository() {}

    /**
     * The Triton version for a Tessera version: the same number when it is a positive integer
     * (Triton's version directories must be), else 1.
     */
    public static long versionFor(String tesseraVersion) {
        if (tesseraVersion.matches("[0-9]{1,18}")) {
            long v = Long.parseLong(tesseraVersion);
            if (v > 0) {
                return v;
            }
        }
        return 1;
    }

    /**
     * Verifies {@code tokenizerDir} and writes its graphs into {@code repository} (created if
     * missing). A model's {@code config.pbtxt} is replaced; its version directory must not exist.
     *
     * @return the two model directories written, encoder first
     * @throws IOException if a version directory exists or a file cannot be written
     * @throws dev.tessera.runtime.artifact.TokenizerLoadException if the tokenizer directory is
     *     incomplete, corrupt or its graphs do not match its manifest
     */
    public static List<Path> write(Path tokenizerDir, Path repository, Settings settings)
            throws IOException {
        TokenizerManifest m;
        try (Tokenizer verified = Tokenizer.open(tokenizerDir)) {
            m = verified.manifest();
        }
        Path encoder =
                writeModel(
                        tokenizerDir.resolve(TokenizerDirectory.ENCODER),
                        repository,
                        encoderConfig(m, settings),
                        settings);
        Path decoder =
                writeModel(
                        tokenizerDir.resolve(TokenizerDirectory.DECODER),
                        repository,
                        decoderConfig(m, settings),
                        settings);
        return List.of(encoder, decoder);
    }

    /** {@code NAME.encoder}: pixels UINT8 [C,H,W] → tokens INT32 [h,w]. */
    static ModelConfig encoderConfig(TokenizerManifest m, Settings settings) {
        TensorNames t = m.getTensors();
        return config(
                m.getName() + ".encoder",
                settings,
                new Tensor(t.getEncoderInput(), DataType.TYPE_UINT8, imageDims(m)),
                new Tensor(t.getEncoderOutput(), DataType.TYPE_INT32, gridDims(m)));
    }

    /** {@code NAME.decoder}: tokens INT32 [h,w] → pixels UINT8 [C,H,W]. */
    static ModelConfig decoderConfig(TokenizerManifest m, Settings settings) {
        TensorNames t = m.getTensors();
        return config(
                m.getName() + ".decoder",
                settings,
                new Tensor(t.getDecoderInput(), DataType.TYPE_INT32, gridDims(m)),
                new Tensor(t.getDecoderOutput(), DataType.TYPE_UINT8, imageDims(m)));
    }

    /** A graph input or output: name, element type, dims without the batch dimension. */
    private record Tensor(String name, DataType type, List<Long> dims) {}

    private static ModelConfig config(
            String name, Settings settings, Tensor input, Tensor output) {
        return ModelConfig.newBuilder()
                .setName(name)
                .setPlatform(PLATFORM)
                .setMaxBatchSize(settings.maxBatch())
                .setDynamicBatching(
                        ModelDynamicBatching.newBuilder()
                                .setMaxQueueDelayMicroseconds(settings.maxQueueDelayMicros()))
                .addInput(
                        ModelInput.newBuilder()
                                .setName(input.name())
                                .setDataType(input.type())
                                .addAllDims(input.dims()))
                .addOutput(
                        ModelOutput.newBuilder()
                                .setName(output.name())
                                .setDataType(output.type())
                                .addAllDims(output.dims()))
                .build();
    }

    private static List<Long> imageDims(TokenizerManifest m) {
        boolean dynamic = m.getInput().getSizeMultiple() > 0;
        return List.of(
                (long) m.getInput().getChannels(),
                dynamic ? -1L : m.getInput().getHeight(),
                dynamic ? -1L : m.getInput().getWidth());
    }

    private static List<Long> gridDims(TokenizerManifest m) {
        boolean dynamic = m.getInput().getSizeMultiple() > 0;
        return List.of(
                dynamic ? -1L : m.getGrid().getHeight(), dynamic ? -1L : m.getGrid().getWidth());
    }

    /**
     * Copies {@code graph} to {@code MODEL/VERSION/model.onnx} through a hidden staging directory
     * renamed into place, so Triton's repository polling never sees half a version, then writes
     * the model's {@code config.pbtxt}.
     */
    private static Path writeModel(
            Path graph, Path repository, ModelConfig config, Settings settings)
            throws IOException {
        Path model = repository.resolve(config.getName());
        Path version = model.resolve(Long.toString(settings.version()));
        if (Files.exists(version)) {
            throw new IOException(
                    version
                            + " already exists; give another --triton-version or remove that"
                            + " directory");
        }
        Files.createDirectories(model);
        Path staging = Files.createTempDirectory(model, "." + settings.version() + ".tmp-");
        try {
            Files.copy(graph, staging.resolve(MODEL_FILE));
            move(staging, version);
        } finally {
            if (Files.exists(staging)) {
                Files.deleteIfExists(staging.resolve(MODEL_FILE));
                Files.deleteIfExists(staging);
            }
        }
        Path configFile = model.resolve(CONFIG_FILE);
        Path tmp = Files.createTempFile(model, ".config", ".pbtxt.tmp");
        try {
            Files.writeString(tmp, configText(config), StandardCharsets.UTF_8);
            move(tmp, configFile);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return model;
    }

    /** The text form of a configuration, as Triton reads {@code config.pbtxt}. */
    static String configText(ModelConfig config) {
        return "# Written by tessera export-triton.\n"
                + TextFormat.printer().printToString(Objects.requireNonNull(config));
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
