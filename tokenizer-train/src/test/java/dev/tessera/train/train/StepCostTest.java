package dev.tessera.train.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.train.model.Architecture;
import dev.tessera.train.model.Layer;

import org.junit.jupiter.api.Test;

import java.util.List;

class StepCostTest {

    @Test
    void forwardFlopsCountTwoPerMultiplyAddAndFollowTheShape() {
        List<Layer> layers =
                List.of(
                        // [1,8,8] → [4,8,8]: 2·4·(1·9)·64 = 4608
                        new Layer.Conv("a", 1, 4, 3, 1),
                        new Layer.Relu(),
                        // stride 2 with padding 1 → [8,4,4]: 2·8·(4·9)·16 = 9216
                        new Layer.Conv("b", 4, 8, 3, 2),
                        // → [8,8,8]: no FLOPs counted
                        new Layer.Upsample(2),
                        // 1×1 → [2,8,8]: 2·2·8·64 = 2048
                        new Layer.Conv("c", 8, 2, 1, 1),
                        // two 3×3 2→2 at 8×8: 2 · (2·2·18·64) = 9216
                        new Layer.Residual(
                                new Layer.Conv("r.a", 2, 2, 3, 1),
                                new Layer.Conv("r.b", 2, 2, 3, 1)));
        assertEquals(4608 + 9216 + 2048 + 9216, StepCost.forwardFlops(layers, 1, 8, 8));
    }

    @Test
    void shortcutsAndAttentionCountTheirProducts() {
        List<Layer> layers =
                List.of(
                        // Branch 2→4 3×3 at 4×4: 2·4·18·16 = 2304; shortcut 2→4 1×1: 2·4·2·16 =
                        // 256.
                        new Layer.Residual(
                                List.of(
                                        Layer.GroupNorm.of("n", 2),
                                        new Layer.Silu(),
                                        new Layer.Conv("r.a", 2, 4, 3, 1)),
                                new Layer.Conv("r.s", 2, 4, 1, 1)),
                        // q, k, v 4→4 1×1: 3 · 2·4·4·16 = 1536; qᵀk and v·w: 2 · 2·16·16·4 = 4096.
                        new Layer.Attention(
                                new Layer.Conv("q", 4, 4, 1, 1),
                                new Layer.Conv("k", 4, 4, 1, 1),
                                new Layer.Conv("v", 4, 4, 1, 1)));
        assertEquals(2304 + 256 + 1536 + 4096, StepCost.forwardFlops(layers, 2, 4, 4));
    }

    @Test
    void strideTwoOnAnOddSizeRoundsUpAsPaddedConvolutionDoes() {
        // 7×5 → 4×3 → 2×2 (padding 1: floor((n + 2 − 3)/2) + 1).
        List<Layer> layers =
                List.of(new Layer.Conv("a", 1, 1, 3, 2), new Layer.Conv("b", 1, 1, 3, 2));
        assertEquals(2 * 9 * 12 + 2 * 9 * 4, StepCost.forwardFlops(layers, 1, 7, 5));
    }

    @Test
    void trainingStepIsThreeTimesForwardOfEncoderDecoderAndDistances() {
        // 1×8×8 images, width 4, downsample 2, L = 3, no residual blocks: grid 4×4.
        Architecture arch = new Architecture(1, 8, 8, 4, 2, 3, 0, 1);
        // Encoder: stem 1→4 3×3 at 8×8 (4608), down 4→4 3×3 s2 to 4×4 (4608), head 4→3 1×1 (384).
        double encoder = 4608 + 4608 + 384;
        assertEquals(
                encoder,
                StepCost.forwardFlops(
                        arch.encoderLayers(), 1, arch.imageHeight(), arch.imageWidth()));
        // Decoder: stem 3→4 at 4×4 (3456), upsample, 4→4 at 8×8 (18432), head 4→1 at 8×8 (4608).
        double decoder = 3456 + 18432 + 4608;
        // Distances: 2·h·w·K·L = 2·16·16·3 = 1536.
        double distances = 1536;
        assertEquals(
                3.0 * 5 * (encoder + decoder + distances), StepCost.trainingStepFlops(arch, 16, 5));
        assertEquals(564480.0, StepCost.trainingStepFlops(arch, 16, 5));
    }
}
