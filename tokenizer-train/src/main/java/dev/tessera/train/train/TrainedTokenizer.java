package dev.tessera.train.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.train.model.ParameterSet;
import dev.tessera.train.model.TokenizerNetwork;
import dev.tessera.train.quantize.Quantizer;

import java.nio.ByteBuffer;

/**
 * A trained network and quantizer with their parameters: the DJL reference that the exported ONNX
 * graphs are checked against. Owns the parameters' manager.
 */
public final class TrainedTokenizer implements AutoCloseable {

    private final TokenizerNetwork network;
    private final Quantizer quantizer;
    private final ParameterSet params;
    private final TrainingHistory history;

    public TrainedTokenizer(
            TokenizerNetwork network,
            Quantizer quantizer,
            ParameterSet params,
            TrainingHistory history) {
        this.network = network;
        this.quantizer = quantizer;
        this.params = params;
        this.history = history;
    }

    public TokenizerNetwork network() {
        return network;
    }

    public Quantizer quantizer() {
        return quantizer;
    }

    public ParameterSet params() {
        return params;
    }

    public TrainingHistory history() {
        return history;
    }

    /**
     * A copy whose parameters live on the CPU, in a manager of its own that the copy closes: the
     * reference forward pass of these weights. Convolutions on a GPU round differently (TF32,
     * cuDNN's choice of algorithm) from the CPU's, where ONNX Runtime runs the exported graphs;
     * the same weights on the CPU are the model those graphs are meant to reproduce.
     */
    public TrainedTokenizer onCpu() {
        NDManager cpu = NDManager.newBaseManager(Device.cpu());
        try {
            ParameterSet copy = new ParameterSet(cpu);
            copy.load(params.snapshot(), params.bufferNames());
            return new TrainedTokenizer(network, quantizer, copy, history);
        } catch (RuntimeException e) {
            cpu.close();
            throw e;
        }
    }

    /** Deterministic tokens (argmin distance) of a batch of images. */
    public TokenBatch encode(ImageBatch images) {
        try (NDManager scratch = params.manager().newSubManager()) {
            NDArray zHat = encodeContinuous(scratch, images);
            NDArray tokens = quantizer.tokens(params, zHat);
            Shape s = tokens.getShape();
            return new TokenBatch(
                    (int) s.get(0), (int) s.get(1), (int) s.get(2), tokens.toIntArray());
        }
    }

    /** Continuous encoder outputs ẑ [N, L, h, w] of a batch, on {@code scratch}. */
    public NDArray encodeContinuous(NDManager scratch, ImageBatch images) {
        NDArray pixels = toArray(scratch, images);
        return network.encode(params, TokenizerNetwork.normalize(pixels)).stopGradient();
    }

    /**
     * Decoded pixel levels (0..255, as the exported decoder rounds them) of token grids, flattened
     * NCHW.
     */
    public float[] decodeLevels(TokenBatch tokens) {
        try (NDManager scratch = params.manager().newSubManager()) {
            NDArray ids =
                    scratch.create(
                            tokens.ids(),
                            new Shape(tokens.count(), tokens.height(), tokens.width()));
            NDArray codes = quantizer.lookup(params, ids);
            return TokenizerNetwork.toPixelLevels(network.decode(params, codes).stopGradient())
                    .toFloatArray();
        }
    }

    /** uint8 images → a uint8 array [N, C, H, W] on {@code manager}. */
    public static NDArray toArray(NDManager manager, ImageBatch images) {
        return manager.create(
                ByteBuffer.wrap(images.pixels()),
                new Shape(images.count(), images.channels(), images.height(), images.width()),
                DataType.UINT8);
    }

    @Override
    public void close() {
        params.manager().close();
    }
}
