package dev.tessera.train.quantize;

import ai.djl.ndarray.NDArray;

/**
 * What a quantizer returns for one training batch.
 *
 * @param codes what the decoder sees, [N, L, h, w]
 * @param loss the quantizer's own loss terms, weighted, a scalar added to the reconstruction loss
 * @param terms the unweighted terms by name (for logging), each a scalar
 * @param tokens hard code of every position, int [N·h·w]
 */
public record QuantizerStep(
        NDArray codes, NDArray loss, java.util.Map<String, NDArray> terms, NDArray tokens) {}
