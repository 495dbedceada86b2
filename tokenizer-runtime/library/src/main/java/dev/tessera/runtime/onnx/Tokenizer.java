package dev.tessera.runtime.onnx;

import dev.tessera.api.v1.ModelSummary;
import dev.tessera.api.v1.TokenizerManifest;
import dev.tessera.format.FloatMatrix;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.LatentBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.artifact.TokenizerDirectory;
import dev.tessera.runtime.artifact.TokenizerLoadException;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * A discrete image tokenizer loaded from a tokenizer directory: encodes uint8 images into token
 * grids and decodes token grids back into images with ONNX Runtime.
 *
 * <p>{@link #open(Path)} verifies every file's SHA-256 against the manifest ({@code tessera.json},
 * or {@code tokenizer.json} in directories written before), checks that the graphs match it, and
 * creates one session per graph. A model whose manifest records a {@code size_multiple} takes
 * images of any height and width that are multiples of it (see {@link ModelShapes}). Instances are thread-safe: any
 * number of threads may encode and decode at once; {@link #close()} waits for calls in flight. The
 * token ids of an image do not depend on the other images of its batch.
 */
public final class Tokenizer implements AutoCloseable {

    private final TokenizerManifest manifest;
    private final ModelShapes shapes;
    private final FloatMatrix codebook;
    private final OrtEnvironment env;
    private final EncoderDecoderSessions sessions;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private Tokenizer(
            TokenizerManifest manifest,
            FloatMatrix codebook,
            OrtEnvironment env,
            EncoderDecoderSessions sessions) {
        this.manifest = manifest;
        this.shapes = ModelShapes.of(manifest);
        this.codebook = codebook;
        this.env = env;
        this.sessions = sessions;
    }

    /** Opens a tokenizer directory on CPU with default options. */
    public static Tokenizer open(Path dir) {
        return open(dir, TokenizerOptions.defaults());
    }

    /**
     * Opens and verifies a tokenizer directory.
     *
     * @throws TokenizerLoadException naming the file if the directory is incomplete, corrupt or its
     *     graphs do not match its manifest
     */
    public static Tokenizer open(Path dir, TokenizerOptions options) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(options, "options");
        TokenizerManifest manifest = TokenizerDirectory.readManifest(dir);
        TokenizerDirectory.verify(dir, manifest);
        FloatMatrix codebook = readCodebook(dir, manifest);
        OrtEnvironment env = OrtEnvironments.get();
        String label = manifest.getName() + ":" + manifest.getVersion();
        EncoderDecoderSessions sessions = EncoderDecoderSessions.open(env, dir, options, label);
        try {
            GraphSignature.check(manifest, sessions.encoder(), sessions.decoder());
        } catch (OrtException | RuntimeException e) {
            sessions.close();
            if (e instanceof TokenizerLoadException tle) {
                throw tle;
            }
            throw new TokenizerLoadException(
                    "encoder.onnx/decoder.onnx: cannot read the graph inputs "
                            + "and outputs ("
                            + e.getMessage()
                            + ")",
                    e);
        }
        return new Tokenizer(manifest, codebook, env, sessions);
    }

    private static FloatMatrix readCodebook(Path dir, TokenizerManifest m) {
        FloatMatrix codebook;
        try {
            codebook = FloatMatrix.read(dir.resolve(TokenizerDirectory.CODEBOOK));
        } catch (IOException e) {
            throw new TokenizerLoadException(
                    TokenizerDirectory.CODEBOOK + ": cannot be read (" + e.getMessage() + ")", e);
        }
        if (codebook.rows() != m.getCodebookSize() || codebook.cols() != m.getCodeDim()) {
            throw new TokenizerLoadException(
                    TokenizerDirectory.CODEBOOK
                            + ": expected shape ("
                            + m.getCodebookSize()
                            + ", "
                            + m.getCodeDim()
                            + ") from codebook_size and code_dim in the manifest, got ("
                            + codebook.rows()
                            + ", "
                            + codebook.cols()
                            + ")");
        }
        return codebook;
    }

    /**
     * Encodes images into token grids.
     *
     * @param images uint8 NCHW images of the manifest's channels and a size the model takes (see
     *     {@link #shapes()})
     * @return int32 token ids, shape [N, H/f, W/f], each in [0, K)
     * @throws InvalidInputException naming {@code pixels.shape} if the image shape is wrong
     * @throws TokenizerClosedException if this tokenizer is closed
     */
    public TokenBatch encode(ImageBatch images) {
        Objects.requireNonNull(images, "images");
        long[] shape = shapes.tokensFor("pixels.shape", images.shape());
        return runEncoder(
                images,
                manifest.getTensors().getEncoderOutput(),
                shape,
                out -> {
                    IntBuffer buf = out.getIntBuffer();
                    int[] ids = new int[buf.remaining()];
                    buf.get(ids);
                    checkEncoderIds(ids);
                    return new TokenBatch(images.count(), (int) shape[1], (int) shape[2], ids);
                });
    }

    /**
     * Runs the encoder on {@code images} for one of its outputs, checks that output's shape and
     * reads it with {@code read} while the result is open.
     */
    private <T> T runEncoder(
            ImageBatch images, String outName, long[] shape, Function<OnnxTensor, T> read) {
        ByteBuffer input =
                ByteBuffer.allocateDirect(images.pixels().length).order(ByteOrder.nativeOrder());
        input.put(images.pixels()).rewind();
        String inName = manifest.getTensors().getEncoderInput();
        lock.readLock().lock();
        try {
            ensureOpen();
            try (OnnxTensor tensor =
                            OnnxTensor.createTensor(
                                    env, input, images.shape(), OnnxJavaType.UINT8);
                    OrtSession.Result result =
                            sessions.encoder().run(Map.of(inName, tensor), Set.of(outName))) {
                return read.apply(output(result, outName, TokenizerDirectory.ENCODER, shape));
            } catch (OrtException e) {
                throw new IllegalStateException(
                        TokenizerDirectory.ENCODER
                                + " failed on a batch of "
                                + images.count()
                                + " ("
                                + outName
                                + "): "
                                + e.getMessage(),
                        e);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Whether the encoder exports its continuous latents (see {@link #latents}). */
    public boolean hasLatents() {
        return !manifest.getTensors().getEncoderLatents().isEmpty();
    }

    /**
     * The continuous encoder outputs of a batch: for every latent position the vector whose nearest
     * code is its token (after tanh for FSQ). Used for evaluation and analysis, e.g. the soft code
     * assignments of GM-VQ.
     *
     * @param images uint8 NCHW images of the manifest's channels and a size the model takes
     * @return float32 [N, H/f, W/f, L]
     * @throws UnsupportedOperationException if the encoder has no latents output ({@link
     *     #hasLatents})
     * @throws InvalidInputException naming {@code pixels.shape} if the image shape is wrong
     */
    public LatentBatch latents(ImageBatch images) {
        Objects.requireNonNull(images, "images");
        if (!hasLatents()) {
            throw new UnsupportedOperationException(
                    name()
                            + ":"
                            + version()
                            + " was exported without a latents output; export it again with"
                            + " this version of Tessera");
        }
        long[] grid = shapes.tokensFor("pixels.shape", images.shape());
        long[] shape = {grid[0], grid[1], grid[2], codeDim()};
        return runEncoder(
                images,
                manifest.getTensors().getEncoderLatents(),
                shape,
                out -> {
                    FloatBuffer buf = out.getFloatBuffer();
                    float[] values = new float[buf.remaining()];
                    buf.get(values);
                    return new LatentBatch(
                            images.count(), (int) grid[1], (int) grid[2], codeDim(), values);
                });
    }

    /**
     * Decodes token grids into images.
     *
     * @param tokens token ids of shape [N, h, w], each in [0, K): the training grid, or any grid
     *     when the model takes any multiple of its downsampling factor
     * @return uint8 NCHW images of the manifest's channels, [N, C, h·f, w·f]
     * @throws InvalidInputException naming {@code tokens.shape} or {@code tokens.ids[i]}
     * @throws TokenizerClosedException if this tokenizer is closed
     */
    public ImageBatch decode(TokenBatch tokens) {
        Objects.requireNonNull(tokens, "tokens");
        long[] shape = shapes.imageFor("tokens.shape", tokens.shape());
        checkIds(tokens.ids());
        int[] ids = tokens.ids();
        String inName = manifest.getTensors().getDecoderInput();
        String outName = manifest.getTensors().getDecoderOutput();
        lock.readLock().lock();
        try {
            ensureOpen();
            try (OnnxTensor tensor =
                            OnnxTensor.createTensor(env, IntBuffer.wrap(ids), tokens.shape());
                    OrtSession.Result result =
                            sessions.decoder().run(Map.of(inName, tensor), Set.of(outName))) {
                OnnxTensor out = output(result, outName, TokenizerDirectory.DECODER, shape);
                ByteBuffer buf = out.getByteBuffer();
                byte[] pixels = new byte[buf.remaining()];
                buf.get(pixels);
                return new ImageBatch(
                        tokens.count(), channels(), (int) shape[2], (int) shape[3], pixels);
            } catch (OrtException e) {
                throw new IllegalStateException(
                        TokenizerDirectory.DECODER
                                + " failed on a batch of "
                                + tokens.count()
                                + ": "
                                + e.getMessage(),
                        e);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    private static OnnxTensor output(
            OrtSession.Result result, String name, String file, long[] expectedShape)
            throws OrtException {
        OnnxValue value =
                result.get(name)
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                file + " produced no output \"" + name + "\""));
        if (!(value instanceof OnnxTensor tensor)) {
            throw new IllegalStateException(file + " output \"" + name + "\" is not a tensor");
        }
        long[] shape = tensor.getInfo().getShape();
        if (!Arrays.equals(shape, expectedShape)) {
            throw new IllegalStateException(
                    file
                            + " output \""
                            + name
                            + "\": expected shape "
                            + GraphSignature.shapeOf(expectedShape)
                            + ", got "
                            + GraphSignature.shapeOf(shape));
        }
        return tensor;
    }

    /** Refuses ids outside [0, K), naming the field. */
    private void checkIds(int[] ids) {
        int k = codebookSize();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= k) {
                throw new InvalidInputException(
                        "tokens.ids[" + i + "]",
                        "tokens.ids["
                                + i
                                + "]: expected a token id in [0,"
                                + k
                                + "), got "
                                + ids[i]);
            }
        }
    }

    private void checkEncoderIds(int[] ids) {
        for (int id : ids) {
            if (id < 0 || id >= codebookSize()) {
                throw new IllegalStateException(
                        TokenizerDirectory.ENCODER
                                + " produced token id "
                                + id
                                + " outside [0,"
                                + codebookSize()
                                + ")");
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new TokenizerClosedException(name() + ":" + version());
        }
    }

    /**
     * The model as the gRPC API summarises it ({@code ListModels}, {@code GetModel}): name,
     * version, quantizer, K, L, grid, input shape and the manifest's metrics.
     */
    public ModelSummary summary() {
        return ModelSummary.newBuilder()
                .setName(name())
                .setVersion(version())
                .setQuantizer(manifest.getQuantizer())
                .setCodebookSize(codebookSize())
                .setCodeDim(codeDim())
                .setGridHeight(gridHeight())
                .setGridWidth(gridWidth())
                .setChannels(channels())
                .setImageHeight(imageHeight())
                .setImageWidth(imageWidth())
                .setSizeMultiple(shapes.sizes().multiple())
                .putAllMetrics(manifest.getMetricsMap())
                .build();
    }

    /** The tensor shapes this model takes and gives. */
    public ModelShapes shapes() {
        return shapes;
    }

    /** The manifest read from the directory. */
    public TokenizerManifest manifest() {
        return manifest;
    }

    /** The code vectors, float32 [K, L] (a copy). */
    public FloatMatrix codebook() {
        return new FloatMatrix(codebook.rows(), codebook.cols(), codebook.values().clone());
    }

    /** Model name from the manifest. */
    public String name() {
        return manifest.getName();
    }

    /** Model version from the manifest. */
    public String version() {
        return manifest.getVersion();
    }

    /** Codebook size K: token ids lie in [0, K). */
    public int codebookSize() {
        return manifest.getCodebookSize();
    }

    /** Code vector dimension L. */
    public int codeDim() {
        return manifest.getCodeDim();
    }

    /** Latent grid height h at the training size. */
    public int gridHeight() {
        return manifest.getGrid().getHeight();
    }

    /** Latent grid width w at the training size. */
    public int gridWidth() {
        return manifest.getGrid().getWidth();
    }

    /** Image channels C (1 grayscale, 3 RGB). */
    public int channels() {
        return manifest.getInput().getChannels();
    }

    /** The training image height H in pixels. */
    public int imageHeight() {
        return manifest.getInput().getHeight();
    }

    /** The training image width W in pixels. */
    public int imageWidth() {
        return manifest.getInput().getWidth();
    }

    /**
     * The training image shape written as {@code [N,C,H,W]} with the manifest's sizes; {@link
     * #shapes()} says which other sizes the model takes.
     */
    public String imageShape() {
        return "[N," + channels() + "," + imageHeight() + "," + imageWidth() + "]";
    }

    /** The execution provider the sessions run on: {@code "CPU"} or {@code "CUDA"}. */
    public String executionProvider() {
        return sessions.provider();
    }

    /** Releases both ONNX Runtime sessions after the calls in flight finish. Idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                sessions.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "Tokenizer["
                + name()
                + ":"
                + version()
                + ", K="
                + codebookSize()
                + ", grid "
                + gridHeight()
                + "x"
                + gridWidth()
                + ", input "
                + channels()
                + "x"
                + imageHeight()
                + "x"
                + imageWidth()
                + ", "
                + executionProvider()
                + "]";
    }
}
