package dev.tessera.train.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.train.data.InMemoryImages;
import dev.tessera.train.data.SyntheticShapes;
import dev.tessera.train.model.Architecture;
import dev.tessera.train.model.FloatTensor;
import dev.tessera.train.model.TokenizerNetwork;
import dev.tessera.train.quantize.GmVqConfig;
import dev.tessera.train.quantize.QuantizerConfig;
import dev.tessera.train.quantize.VqEmaConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run interrupted after an epoch and resumed from its checkpoint ends with exactly the parameters
 * of an uninterrupted run; a diverging run stops naming the step and keeps its last checkpoint.
 */
class TrainerResumeTest {

    private static final Architecture ARCH = new Architecture(1, 32, 32, 4, 4, 2, 0);
    private static final InMemoryImages DATA =
            new InMemoryImages(new SyntheticShapes().generate(64, 3), null, "shapes");

    /** Stands in for a process killed right after a checkpoint. */
    private static final class Interrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private static TokenizerTrainer trainer(
            QuantizerConfig quantizer, TrainConfig config, Path dir, int stopAfterStep) {
        TrainingListener listener =
                new TrainingListener() {
                    @Override
                    public void checkpoint(Path checkpointDir, int step) {
                        if (step == stopAfterStep) {
                            throw new Interrupted();
                        }
                    }
                };
        return new TokenizerTrainer(
                new TokenizerNetwork(ARCH),
                quantizer.create(),
                config,
                List.of(Device.cpu()),
                listener,
                dir,
                Map.of("seed", String.valueOf(config.seed())));
    }

    private static Map<String, FloatTensor> uninterrupted(
            QuantizerConfig quantizer, TrainConfig config, Path dir) {
        try (TrainedTokenizer model = trainer(quantizer, config, dir, -1).train(DATA, null)) {
            return model.params().snapshot();
        }
    }

    private static Map<String, FloatTensor> resumed(
            QuantizerConfig quantizer, TrainConfig config, Path dir, int stopAfter)
            throws Exception {
        assertThrows(
                Interrupted.class,
                () -> trainer(quantizer, config, dir, stopAfter).train(DATA, null));
        Checkpoint checkpoint = Checkpoint.load(dir);
        assertEquals(stopAfter, checkpoint.step());
        return resume(quantizer, config, dir, checkpoint);
    }

    private static void assertSameParameters(
            Map<String, FloatTensor> expected, Map<String, FloatTensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach(
                (name, tensor) ->
                        assertArrayEquals(
                                tensor.data(), actual.get(name).data(), 0f, name + " differs"));
    }

    /** 64 images in batches of 16: 4 steps per epoch, 3 epochs. */
    private static final TrainConfig GMVQ_RUN = new TrainConfig(12, 16, 2e-3, 11, 1, 2);

    private static final QuantizerConfig GMVQ = GmVqConfig.defaults(8, 2);

    /** The uninterrupted {@link #GMVQ_RUN}, trained once for the tests that compare with it. */
    private static Map<String, FloatTensor> uninterruptedGmVq;

    private static synchronized Map<String, FloatTensor> uninterruptedGmVq(Path dir) {
        if (uninterruptedGmVq == null) {
            uninterruptedGmVq = uninterrupted(GMVQ, GMVQ_RUN, dir);
        }
        return uninterruptedGmVq;
    }

    @Test
    void resumedGmVqRunEndsWithTheParametersOfAnUninterruptedOne(@TempDir Path tmp)
            throws Exception {
        // Interrupted after epoch 1.
        assertSameParameters(
                uninterruptedGmVq(tmp.resolve("a")), resumed(GMVQ, GMVQ_RUN, tmp.resolve("b"), 4));
    }

    @Test
    void resumedEmaRunWithCodeResetsMatchesToo(@TempDir Path tmp) throws Exception {
        TrainConfig config = new TrainConfig(12, 16, 2e-3, 5, 1, 4);
        // A high dead-code threshold makes resets (seeded per step) happen in every epoch.
        QuantizerConfig ema = new VqEmaConfig(8, 2, 0.25, 0.9, 1e-5, 30.0);
        assertSameParameters(
                uninterrupted(ema, config, tmp.resolve("a")),
                resumed(ema, config, tmp.resolve("b"), 8));
    }

    /**
     * A checkpoint of format 1 (TSK1 tensor files), written by the trainer before safetensors after
     * step 4 of {@link #GMVQ_RUN} (see {@code tsk1-checkpoint/ORIGIN.txt}). It loads, equals its
     * copy in today's format, and resumes bit for bit as that copy does. (Its first four steps ran
     * with the optimiser of that commit, so the end of a run of today's code from step 0 is no
     * reference for it.)
     */
    @Test
    void aTsk1CheckpointResumesAsItsCopyInTodaysFormat(@TempDir Path tmp) throws Exception {
        Checkpoint tsk1 =
                Checkpoint.load(Path.of(getClass().getResource("tsk1-checkpoint").toURI()));
        assertEquals(4, tsk1.step());
        assertEquals(12, tsk1.steps());
        assertEquals(4, tsk1.adamStep());
        assertEquals(18, tsk1.params().size());
        assertEquals(Set.of("quantizer.log_posterior_variance"), tsk1.buffers());
        assertEquals(2, tsk1.history().size());
        assertEquals("11", tsk1.settings().get("seed"));

        tsk1.save(tmp.resolve("copy"), List.copyOf(tsk1.params().keySet()));
        Checkpoint copy = Checkpoint.load(tmp.resolve("copy"));
        assertEquals(tsk1, copy);

        assertSameParameters(
                resume(GMVQ, GMVQ_RUN, tmp.resolve("b"), copy),
                resume(GMVQ, GMVQ_RUN, tmp.resolve("a"), tsk1));
    }

    private static Map<String, FloatTensor> resume(
            QuantizerConfig quantizer, TrainConfig config, Path dir, Checkpoint checkpoint) {
        try (TrainedTokenizer model = trainer(quantizer, config, dir, -1).train(DATA, checkpoint)) {
            assertEquals(config.steps(), model.history().steps());
            return model.params().snapshot();
        }
    }

    @Test
    void resumedRunThroughWarmUpClippingAndWeightDecayMatches(@TempDir Path tmp) throws Exception {
        // Interrupted inside the 6-step warm-up, resumed into the cosine decay; a clip norm so
        // small that every step is clipped; weight decay on the kernels.
        OptimizerConfig optimizer = new OptimizerConfig(3e-3, 6, 0.1, 0.9, 0.95, 1e-8, 0.05, 0.01);
        TrainConfig config = new TrainConfig(8, 16, optimizer, 13, 1, 2);
        QuantizerConfig gm = GmVqConfig.defaults(8, 2);
        Map<String, FloatTensor> straight = uninterrupted(gm, config, tmp.resolve("a"));
        assertSameParameters(straight, resumed(gm, config, tmp.resolve("b"), 4));
        // Guards the test itself: the clipping acts (an unclipped run ends elsewhere).
        TrainConfig unclipped =
                new TrainConfig(
                        8,
                        16,
                        new OptimizerConfig(3e-3, 6, 0.1, 0.9, 0.95, 1e-8, 0.05, 0),
                        13,
                        1,
                        2);
        String name = "encoder.stem.weight";
        assertNotEquals(
                straight.get(name),
                uninterrupted(gm, unclipped, tmp.resolve("c")).get(name),
                "clipping had no effect");
    }

    @Test
    void aResumedRunMustHaveTheSameBudget(@TempDir Path tmp) throws Exception {
        TrainConfig config = new TrainConfig(8, 16, 2e-3, 1, 1, 4);
        QuantizerConfig gm = GmVqConfig.defaults(8, 2);
        assertThrows(Interrupted.class, () -> trainer(gm, config, tmp, 4).train(DATA, null));
        Checkpoint checkpoint = Checkpoint.load(tmp);
        TrainConfig longer = new TrainConfig(16, 16, 2e-3, 1, 1, 4);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> trainer(gm, longer, tmp, -1).train(DATA, checkpoint));
        assertTrue(e.getMessage().contains("8 steps"), e.getMessage());
    }

    @Test
    void divergenceNamesTheStepAndKeepsTheLastGoodCheckpoint(@TempDir Path tmp) throws Exception {
        ImageBatch images = new SyntheticShapes().generate(16, 4);
        InMemoryImages one = new InMemoryImages(images, null, "one batch");
        // One step per epoch, so a checkpoint follows every step; this learning rate blows the
        // weights up within a few steps.
        TrainConfig config = new TrainConfig(50, 16, 1e30, 2, 1, 1);
        TokenizerTrainer trainer =
                new TokenizerTrainer(
                        new TokenizerNetwork(ARCH),
                        GmVqConfig.defaults(8, 2).create(),
                        config,
                        List.of(Device.cpu()),
                        new TrainingListener() {},
                        tmp,
                        Map.of());
        TrainingDivergedException e =
                assertThrows(TrainingDivergedException.class, () -> trainer.train(one, null));
        assertTrue(e.step() >= 2, "diverged at step " + e.step());
        assertTrue(e.getMessage().contains("step " + e.step()), e.getMessage());
        assertTrue(e.getMessage().contains(tmp.toString()), e.getMessage());
        Checkpoint last = Checkpoint.load(tmp);
        assertEquals(e.step() - 1, last.step());
        last.params()
                .values()
                .forEach(
                        t -> {
                            for (float v : t.data()) {
                                assertTrue(Float.isFinite(v), "checkpoint holds " + v);
                            }
                        });
    }
}
