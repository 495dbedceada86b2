package dev.tessera.train.train;

import dev.tessera.train.model.Architecture;
import dev.tessera.train.model.Layer;

import java.util.List;

/**
 * Floating-point operations of one training step, counted from the architecture: every
 * convolution's multiply-adds (2 FLOPs each) forward, twice that backward (gradients of the input
 * and of the weights), and the quantizer's distance matrix the same way. Element-wise operations
 * are left out: they are memory-bound and small next to the convolutions.
 */
public final class StepCost {

    private StepCost() {}

    /** Forward FLOPs of one image through {@code layers} from an input of [c, h, w]. */
    public static double forwardFlops(List<Layer> layers, int c, int h, int w) {
        return flops(layers, new int[] {c, h, w});
    }

    /** FLOPs of {@code layers}; updates {@code shape} to their output's. */
    private static double flops(List<Layer> layers, int[] shape) {
        double flops = 0;
        for (Layer layer : layers) {
            if (layer instanceof Layer.Conv conv) {
                flops += conv(conv, shape);
            } else if (layer instanceof Layer.Residual res) {
                int[] input = shape.clone();
                flops += flops(res.branch(), shape);
                if (res.shortcut() != null) {
                    flops += conv(res.shortcut(), input);
                }
            } else if (layer instanceof Layer.Attention attention) {
                // q, k, v projections, then qᵀk and v·weights: two [HW × HW × C] products.
                double positions = (double) shape[1] * shape[2];
                for (Layer.Conv conv : List.of(attention.query(), attention.key())) {
                    flops += conv(conv, shape.clone());
                }
                flops += conv(attention.value(), shape);
                flops += 2 * 2.0 * positions * positions * shape[0];
            } else if (layer instanceof Layer.Upsample up) {
                shape[1] *= up.factor();
                shape[2] *= up.factor();
            }
        }
        return flops;
    }

    private static double conv(Layer.Conv conv, int[] shape) {
        int outH = (shape[1] + conv.stride() - 1) / conv.stride();
        int outW = (shape[2] + conv.stride() - 1) / conv.stride();
        double flops = 2.0 * conv.outChannels() * conv.fanIn() * outH * outW;
        shape[0] = conv.outChannels();
        shape[1] = outH;
        shape[2] = outW;
        return flops;
    }

    /** FLOPs of one training step of {@code batchSize} images with a codebook of K codes. */
    public static double trainingStepFlops(Architecture arch, int codebookSize, int batchSize) {
        double encoder =
                forwardFlops(
                        arch.encoderLayers(),
                        arch.channels(),
                        arch.imageHeight(),
                        arch.imageWidth());
        double decoder =
                forwardFlops(
                        arch.decoderLayers(), arch.codeDim(), arch.gridHeight(), arch.gridWidth());
        double distances =
                2.0 * arch.gridHeight() * arch.gridWidth() * codebookSize * arch.codeDim();
        return 3.0 * batchSize * (encoder + decoder + distances);
    }
}
