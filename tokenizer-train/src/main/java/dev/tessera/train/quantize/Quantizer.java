package dev.tessera.train.quantize;

import ai.djl.ndarray.NDArray;

import dev.tessera.train.model.ParameterSet;

/** Turns continuous encoder outputs into codes from a finite codebook. */
public sealed interface Quantizer permits GmVqQuantizer, VqQuantizer, VqEmaQuantizer, FsqQuantizer {

    /** The settings this quantizer was made from. */
    QuantizerConfig config();

    /** Name recorded in manifests: gmvq, vq, vq-ema or fsq. */
    default String kind() {
        return config().kind();
    }

    default int codebookSize() {
        return config().codebookSize();
    }

    default int codeDim() {
        return config().codeDim();
    }

    /** Whether {@link #initParameters} looks at encoder outputs (false: they may be empty). */
    default boolean initFromEncoderOutputs() {
        return true;
    }

    /**
     * Adds the quantizer's parameters and buffers, initialised from encoder outputs ẑ rows [M, L].
     */
    void initParameters(ParameterSet params, float[] encoderRows, long seed);

    /**
     * Picks up state kept outside the tensors after {@code params} were restored from a checkpoint.
     */
    default void restore(ParameterSet params) {}

    /**
     * Whether ẑ passes through tanh before the nearest code is chosen (FSQ); the exported encoder
     * applies the same bound.
     */
    default boolean tanhBounded() {
        return false;
    }

    /** Whether {@link #afterStep} does anything, so the trainer can skip copying ẑ otherwise. */
    default boolean updatesAfterStep() {
        return false;
    }

    /**
     * Updates state that is not trained by gradient (an EMA codebook), after the optimiser step,
     * from that step's encoder outputs rows [M·L] and their codes [M].
     */
    default void afterStep(
            ParameterSet params, float[] rows, int[] tokens, java.util.SplittableRandom random) {}

    /** Settings and learned scalars, for the manifest and the report. */
    default java.util.Map<String, String> describe(ParameterSet params) {
        return config().describe();
    }

    /** The codebook μ [K, L]. */
    NDArray codebook(ParameterSet params);

    /**
     * One training forward pass on ẑ [N, L, h, w] at training progress {@code progress} ∈ [0, 1].
     */
    QuantizerStep trainStep(ParameterSet params, NDArray zHat, double progress);

    /** Gumbel-softmax temperature at training progress {@code progress}; NaN where none is used. */
    default double temperature(double progress) {
        return Double.NaN;
    }

    /** Deterministic tokens of ẑ [N, L, h, w]: int32 [N, h, w]. */
    default NDArray tokens(ParameterSet params, NDArray zHat) {
        var shape = zHat.getShape();
        NDArray rows = Codebook.flattenPositions(zHat);
        if (tanhBounded()) {
            rows = rows.tanh();
        }
        return Codebook.nearest(rows, codebook(params))
                .reshape(shape.get(0), shape.get(2), shape.get(3));
    }

    /** Codes of tokens [N, h, w] (any integer type): [N, L, h, w]. */
    default NDArray lookup(ParameterSet params, NDArray tokens) {
        var shape = tokens.getShape();
        NDArray oneHot = tokens.reshape(-1).oneHot(codebookSize());
        return Codebook.unflattenPositions(
                oneHot.matMul(codebook(params)), shape.get(0), shape.get(1), shape.get(2));
    }
}
