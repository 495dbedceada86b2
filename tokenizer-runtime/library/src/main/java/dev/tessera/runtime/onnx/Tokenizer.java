package dev.tessera.runtime.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;

import dev.tessera.api.v1.ModelSummary;
import dev.tessera.api.v1.TokenizerManifest;
import dev.tessera.format.FloatMatrix;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.LatentBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.artifact.TokenizerDirectory;
import dev.tessera.runtime.artifact.TokenizerLoadException;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A discrete image tokenizer loaded from a tokenizer directory: encodes uint8 images into token
 * grids and decodes token grids back into images with ONNX Runtime.
 *
 * <p>{@link #open(Path)} verifies every file's SHA-256 against the manifest ({@code tessera.json},
 * or {@code tokenizer.json} in directories written before), checks that the graphs match it, and
 * creates {@link TokenizerOptions#instances()} sessions per graph (see {@link #instances()}). A
 * model whose manifest records a {@code size_multiple} takes images of any height and width that
 * are multiples of it (see {@link ModelShapes}). Tokenizers are thread-safe: any number of threads
 * may encode and decode at once; {@link #close()} waits for calls in flight. The token ids of an
 * image do not depend on the other images of its batch.
 */
public final class Tokenizer implements AutoCloseable {

    private final TokenizerManifest manifest;
    private final ModelShapes shapes;
    private final FloatMatrix codebook;
    private final BatchChecks checks;
    private final EncoderDecoderSessions sessions;
    private final GraphRunner encoder;
    private final GraphRunner decoder;
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
        this.checks = new BatchChecks(shapes, manifest.getCodebookSize());
        this.sessions = sessions;
        this.encoder = new GraphRunner(env, sessions.encoders());
        this.decoder = new GraphRunner(env, sessions.decoders());
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
        FloatMatrix codebook = TokenizerDirectory.readCodebook(dir, manifest);
        OrtEnvironment env = OrtEnvironments.get();
        String label = manifest.getName() + ":" + manifest.getVersion();
        EncoderDecoderSessions sessions = EncoderDecoderSessions.open(env, dir, options, label);
        try {
            GraphSignature.check(manifest, sessions.encoders().get(0), sessions.decoders().get(0));
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
        return encode(List.of(Objects.requireNonNull(images, "images")));
    }

    /**
     * Encodes several batches of images of one size in one model run, as one batch of all their
     * images in order (a server merging the requests of several callers). Each batch is copied
     * once, into the run's input; the tokens of an image do not depend on the other images of the
     * run.
     *
     * @param parts at least one batch, all of one image shape the model takes
     * @return the token ids of all images, in order
     * @throws InvalidInputException naming {@code pixels.shape} if an image shape is wrong
     * @throws IllegalArgumentException if the parts differ in size (a run takes one shape)
     * @throws TokenizerClosedException if this tokenizer is closed
     */
    public TokenBatch encode(List<ImageBatch> parts) {
        long[] grid = checks.images(parts);
        int[] ids =
                runEncoder(
                        parts,
                        grid,
                        manifest.getTensors().getEncoderOutput(),
                        OnnxJavaType.INT32,
                        grid,
                        buffer -> {
                            int[] values = new int[buffer.remaining() / Integer.BYTES];
                            buffer.asIntBuffer().get(values);
                            return values;
                        });
        checks.encoderIds(ids);
        return new TokenBatch((int) grid[0], (int) grid[1], (int) grid[2], ids);
    }

    /**
     * Runs the encoder on the images of {@code parts} (their tokens have shape {@code grid}) for
     * its output {@code outName} of shape {@code outShape}, read by {@code read}.
     */
    private <T> T runEncoder(
            List<ImageBatch> parts,
            long[] grid,
            String outName,
            OnnxJavaType outType,
            long[] outShape,
            Function<ByteBuffer, T> read) {
        ImageBatch first = parts.get(0);
        GraphRunner.Tensor in =
                new GraphRunner.Tensor(
                        manifest.getTensors().getEncoderInput(),
                        OnnxJavaType.UINT8,
                        new long[] {grid[0], channels(), first.height(), first.width()});
        return run(
                encoder,
                TokenizerDirectory.ENCODER,
                in,
                buffer -> parts.forEach(part -> buffer.put(part.pixels())),
                new GraphRunner.Tensor(outName, outType, outShape),
                read);
    }

    /** Runs a graph under the read lock, so that {@link #close()} waits for it. */
    private <T> T run(
            GraphRunner graph,
            String file,
            GraphRunner.Tensor in,
            Consumer<ByteBuffer> fill,
            GraphRunner.Tensor out,
            Function<ByteBuffer, T> read) {
        lock.readLock().lock();
        try {
            ensureOpen();
            return graph.run(in, fill, out, read);
        } catch (OrtException e) {
            throw new IllegalStateException(
                    file
                            + " failed on a batch of "
                            + in.shape()[0]
                            + " ("
                            + out.name()
                            + ", expected shape "
                            + GraphSignature.shapeOf(out.shape())
                            + "): "
                            + e.getMessage(),
                    e);
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
        long[] grid = checks.images(List.of(images));
        float[] values =
                runEncoder(
                        List.of(images),
                        grid,
                        manifest.getTensors().getEncoderLatents(),
                        OnnxJavaType.FLOAT,
                        new long[] {grid[0], grid[1], grid[2], codeDim()},
                        buffer -> {
                            float[] v = new float[buffer.remaining() / Float.BYTES];
                            buffer.asFloatBuffer().get(v);
                            return v;
                        });
        return new LatentBatch(images.count(), (int) grid[1], (int) grid[2], codeDim(), values);
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
        return decode(List.of(Objects.requireNonNull(tokens, "tokens")));
    }

    /**
     * Decodes several batches of token grids of one shape in one model run, as one batch of all
     * their grids in order; each batch is copied once, into the run's input.
     *
     * @param parts at least one batch, all of one grid shape the model takes, ids in [0, K)
     * @return the images of all grids, in order
     * @throws InvalidInputException naming {@code tokens.shape} or {@code tokens.ids[i]}, i counted
     *     over all parts in order
     * @throws IllegalArgumentException if the parts differ in grid shape
     * @throws TokenizerClosedException if this tokenizer is closed
     */
    public ImageBatch decode(List<TokenBatch> parts) {
        long[] shape = checks.tokens(parts);
        TokenBatch first = parts.get(0);
        GraphRunner.Tensor in =
                new GraphRunner.Tensor(
                        manifest.getTensors().getDecoderInput(),
                        OnnxJavaType.INT32,
                        new long[] {shape[0], first.height(), first.width()});
        GraphRunner.Tensor out =
                new GraphRunner.Tensor(
                        manifest.getTensors().getDecoderOutput(), OnnxJavaType.UINT8, shape);
        byte[] pixels =
                run(
                        decoder,
                        TokenizerDirectory.DECODER,
                        in,
                        buffer -> {
                            IntBuffer ints = buffer.asIntBuffer();
                            parts.forEach(part -> ints.put(part.ids()));
                        },
                        out,
                        buffer -> {
                            byte[] values = new byte[buffer.remaining()];
                            buffer.get(values);
                            return values;
                        });
        return new ImageBatch(
                (int) shape[0], (int) shape[1], (int) shape[2], (int) shape[3], pixels);
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

    /**
     * Encode runs (and as many decode runs) that go on at once each on a session and buffers of
     * their own ({@link TokenizerOptions#instances()}); more concurrent calls share the sessions.
     */
    public int instances() {
        return encoder.instances();
    }

    /** Releases the ONNX Runtime sessions after the calls in flight finish. Idempotent. */
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
