package dev.tessera.train.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import dev.tessera.train.data.InMemoryImages;
import dev.tessera.train.data.SyntheticShapes;
import dev.tessera.train.model.Architecture;
import dev.tessera.train.model.FloatTensor;
import dev.tessera.train.model.TokenizerNetwork;
import dev.tessera.train.quantize.VqConfig;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

/**
 * Data-parallel training splits each batch across devices and sums the replicas' gradients. Run
 * here with two CPU "devices", it must follow the single-device run: for a loss that is a mean over
 * images (plain VQ has no batch-level term and no sampling) the summed shard gradients are the
 * whole batch's.
 */
class DataParallelTest {

    private static final Architecture ARCH = new Architecture(1, 32, 32, 4, 4, 2, 0);
    private static final InMemoryImages DATA =
            new InMemoryImages(new SyntheticShapes().generate(64, 9), null, "shapes");

    private static Map<String, FloatTensor> train(List<Device> devices) {
        TokenizerTrainer trainer =
                new TokenizerTrainer(
                        new TokenizerNetwork(ARCH),
                        VqConfig.defaults(8, 2).create(),
                        // A constant rate (no warm-up, floor 1), gradients clipped to norm 1.
                        new TrainConfig(
                                6,
                                16,
                                new OptimizerConfig(2e-3, 0, 1, 0.9, 0.99, 1e-8, 0, 1),
                                3,
                                1,
                                3),
                        devices,
                        new TrainingListener() {},
                        null,
                        Map.of());
        try (TrainedTokenizer model = trainer.train(DATA, null)) {
            return model.params().snapshot();
        }
    }

    @Test
    void twoReplicasFollowTheSingleDeviceRun() {
        Map<String, FloatTensor> single = train(List.of(Device.cpu()));
        Map<String, FloatTensor> parallel = train(List.of(Device.cpu(), Device.cpu()));
        assertEquals(single.keySet(), parallel.keySet());
        double worst = 0;
        double moved = 0;
        Map<String, FloatTensor> start = initial();
        for (String name : single.keySet()) {
            float[] a = single.get(name).data();
            float[] b = parallel.get(name).data();
            float[] s = start.get(name).data();
            for (int i = 0; i < a.length; i++) {
                worst = Math.max(worst, Math.abs(a[i] - b[i]));
                moved = Math.max(moved, Math.abs(a[i] - s[i]));
            }
        }
        // Six Adam steps of 2e-3 move weights by up to ~1e-2; the two runs agree to rounding.
        assertTrue(moved > 1e-3, "training moved the weights by only " + moved);
        assertTrue(worst < 1e-4, "data-parallel run differs by " + worst);
    }

    private static Map<String, FloatTensor> initial() {
        TokenizerTrainer trainer =
                new TokenizerTrainer(
                        new TokenizerNetwork(ARCH),
                        VqConfig.defaults(8, 2).create(),
                        new TrainConfig(1, 16, 1e-30, 3, 1, 1),
                        List.of(Device.cpu()),
                        new TrainingListener() {},
                        null,
                        Map.of());
        try (TrainedTokenizer model = trainer.train(DATA, null)) {
            return model.params().snapshot();
        }
    }

    @Test
    void aBatchThatDoesNotSplitEvenlyIsRefused() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new TokenizerTrainer(
                                        new TokenizerNetwork(ARCH),
                                        VqConfig.defaults(8, 2).create(),
                                        new TrainConfig(1, 15, 2e-3, 3, 1, 1),
                                        List.of(Device.cpu(), Device.cpu()),
                                        new TrainingListener() {},
                                        null,
                                        Map.of()));
        assertTrue(e.getMessage().contains("multiple of 2"), e.getMessage());
    }
}
