package dev.tessera.train.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.train.data.SyntheticShapes;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The initialisation keeps ẑ at unit scale whatever the width and depth: the root mean square of
 * the encoder output on real images stays within a band from width 32 to 256, in both families.
 */
class WeightInitTest {

    /**
     * Root mean square of ẑ for four synthetic images through {@code arch}, over three
     * initialisations: with L random output channels the square of one draw scatters like χ²(L)/L,
     * so one seed alone would say more about the draw than about the scale.
     */
    private static double latentRms(Architecture arch) {
        double sum = 0;
        for (long seed = 1; seed <= 3; seed++) {
            sum += latentRms(arch, seed);
        }
        return sum / 3;
    }

    private static double latentRms(Architecture arch, long seed) {
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterSet params = new ParameterSet(manager);
            TokenizerNetwork network = new TokenizerNetwork(arch);
            network.initParameters(params, seed);
            int side = arch.imageHeight();
            ImageBatch images = new SyntheticShapes(side).generate(4, 5);
            NDArray pixels =
                    manager.create(
                            ByteBuffer.wrap(images.pixels()),
                            new Shape(images.count(), 1, side, side),
                            DataType.UINT8);
            NDArray zHat = network.encode(params, TokenizerNetwork.normalize(pixels));
            return Math.sqrt(zHat.square().mean().getFloat());
        }
    }

    private static void assertUnitScale(double rms, String what) {
        assertTrue(rms > 0.5 && rms < 2, what + ": rms of the latent " + rms);
    }

    @Test
    void convLatentStaysAtUnitScaleFromWidth32To256AndWithDepth() {
        double narrow = latentRms(new Architecture(1, 32, 32, 32, 4, 16, 2));
        double wide = latentRms(new Architecture(1, 32, 32, 256, 4, 16, 2));
        double deep = latentRms(new Architecture(1, 32, 32, 32, 4, 16, 4, 3));
        assertUnitScale(narrow, "conv width 32");
        assertUnitScale(wide, "conv width 256");
        // Eight ReLU convolutions at 16x16 and 8x8: zero padding hides a sixth to a third of
        // each border output's inputs, which costs about a third of the scale here; the former
        // variance-1/fan_in weights halved the mean square at every ReLU layer instead.
        assertTrue(deep > 0.3 && deep < 2, "conv depth 3, 4 residual blocks: " + deep);
        assertTrue(wide / narrow > 0.7 && wide / narrow < 1.4, narrow + " vs " + wide);
    }

    @Test
    void resnetLatentStaysAtUnitScaleFromWidth32To256() {
        double narrow =
                latentRms(
                        new Architecture(
                                1, 16, 16, 16, new ResNetBackbone(32, List.of(1, 2), 2, true)));
        double wide =
                latentRms(
                        new Architecture(
                                1, 16, 16, 16, new ResNetBackbone(256, List.of(1, 1), 2, true)));
        assertUnitScale(narrow, "resnet width 32");
        assertUnitScale(wide, "resnet width 256");
        assertTrue(wide / narrow > 0.7 && wide / narrow < 1.4, narrow + " vs " + wide);
    }

    @Test
    void residualBranchesAndTheDecoderHeadStartAtZero() {
        Architecture arch =
                new Architecture(1, 32, 32, 4, new ResNetBackbone(8, List.of(1, 2), 1, true));
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterSet params = new ParameterSet(manager);
            new TokenizerNetwork(arch).initParameters(params, 1);
            for (String zero :
                    List.of(
                            "encoder.level0.block0.conv2.weight",
                            "encoder.mid.attn.proj.weight",
                            "decoder.head.weight")) {
                assertEquals(0f, params.get(zero).abs().max().getFloat(), zero);
            }
            assertTrue(params.get("encoder.level0.block0.conv1.weight").abs().max().getFloat() > 0);
            assertEquals(1f, params.get("encoder.norm.weight").min().getFloat());
            // Every tensor the layers declare is initialised, and nothing else.
            long declared =
                    Architecture.parameterCount(arch.encoderLayers())
                            + Architecture.parameterCount(arch.decoderLayers());
            assertEquals(declared, params.count());
        }
    }
}
