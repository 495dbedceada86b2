package dev.tessera.train.quantize;

import ai.djl.ndarray.NDArray;

import dev.tessera.train.model.ParameterSet;

/** Turns continuous encoder outputs into codes from a finite codebook. */
public sealed interface Quantizer permits GmVqQuantizer {

    /** Name recorded in manifests: gmvq, vq, vq-ema or fsq. */
    String kind();

    int codebookSize();

    int codeDim();

    /** Adds the quantizer's parameters, initialised from encoder outputs ẑ rows [M, L]. */
    void initParameters(ParameterSet params, float[] encoderRows, long seed);

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
        return Codebook.nearest(Codebook.flattenPositions(zHat), codebook(params))
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
