package dev.tessera.train.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import dev.tessera.train.model.ParameterSet;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradients through the quantizer's arithmetic stay right when the garbage collector runs between
 * the forward and the backward pass. With DJL's {@code mul(Number)}-style overloads the scalar
 * operands are freed before backward and the gradients come out as garbage (see {@link
 * dev.tessera.train.model.Scalars}); this test fails on that code.
 */
class ScalarOperandLifetimeTest {

    private static final int TRIALS = 20;

    /** Frees unreachable direct buffers, then fills freshly allocated native memory with NaN. */
    private static List<ByteBuffer> churnNativeMemory() throws InterruptedException {
        System.gc();
        Thread.sleep(2);
        List<ByteBuffer> junk = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
            b.putFloat(0, Float.NaN);
            junk.add(b);
        }
        return junk;
    }

    @Test
    void squaredDistanceGradientSurvivesGarbageCollection() throws InterruptedException {
        // rows z = (0,0), (1,1); codes μ = (2,0), (0,3). ∂/∂μ_c Σ_m ‖z_m − μ_c‖² = Σ_m 2(μ_c −
        // z_m).
        float[] expected = {
            2 * (2 - 0) + 2 * (2 - 1),
            2 * (0 - 0) + 2 * (0 - 1),
            2 * (0 - 0) + 2 * (0 - 1),
            2 * (3 - 0) + 2 * (3 - 1)
        };
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int trial = 0; trial < TRIALS; trial++) {
                try (NDManager step = manager.newSubManager()) {
                    NDArray rows = step.create(new float[] {0, 0, 1, 1}, new Shape(2, 2));
                    NDArray mu = step.create(new float[] {2, 0, 0, 3}, new Shape(2, 2));
                    mu.setRequiresGradient(true);
                    try (GradientCollector collector =
                            Engine.getEngine("PyTorch").newGradientCollector()) {
                        NDArray loss = Codebook.squaredDistances(rows, mu).sum();
                        List<ByteBuffer> junk = churnNativeMemory();
                        collector.backward(loss);
                        assertTrue(junk.size() > 0);
                    }
                    assertArrayEquals(
                            expected, mu.getGradient().toFloatArray(), 1e-5f, "trial " + trial);
                }
            }
        }
    }

    @Test
    void gmVqLossGradientStaysFiniteThroughGarbageCollection() throws InterruptedException {
        GmVqQuantizer quantizer =
                new GmVqQuantizer(new GmVqConfig(4, 2, 0.5, 0.5, 1.0, 0.1, 0.3, 0.7, GradientEstimator.GUMBEL));
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterSet params = new ParameterSet(manager);
            float[] rows = {0, 0, 1, 1, 3, 0, 0, 3, 2, 2, -1, 0};
            quantizer.initParameters(params, rows, 1);
            for (int trial = 0; trial < TRIALS; trial++) {
                try (NDManager step = manager.newSubManager()) {
                    NDArray zHat =
                            step.create(
                                    new float[] {0.1f, 2.5f, -0.3f, 1.2f}, new Shape(1, 2, 1, 2));
                    zHat.setRequiresGradient(true);
                    try (GradientCollector collector =
                            Engine.getEngine("PyTorch").newGradientCollector()) {
                        QuantizerStep out = quantizer.trainStep(params, zHat, 0.5);
                        NDArray loss = out.loss().add(out.codes().square().sum());
                        List<ByteBuffer> junk = churnNativeMemory();
                        collector.backward(loss);
                        assertTrue(junk.size() > 0);
                    }
                    for (float g : zHat.getGradient().toFloatArray()) {
                        assertTrue(
                                Float.isFinite(g) && Math.abs(g) < 1e3,
                                "trial " + trial + ": gradient " + g);
                    }
                    for (float g :
                            params.get(GmVqQuantizer.CODEBOOK).getGradient().toFloatArray()) {
                        assertTrue(
                                Float.isFinite(g) && Math.abs(g) < 1e3,
                                "trial " + trial + ": gradient " + g);
                    }
                    params.get(GmVqQuantizer.CODEBOOK)
                            .getGradient()
                            .subi(params.get(GmVqQuantizer.CODEBOOK).getGradient());
                }
            }
        }
    }
}
