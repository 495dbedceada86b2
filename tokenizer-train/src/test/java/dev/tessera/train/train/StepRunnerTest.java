package dev.tessera.train.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

import dev.tessera.train.data.InMemoryImages;
import dev.tessera.train.data.SyntheticShapes;
import dev.tessera.train.model.Architecture;
import dev.tessera.train.model.ParameterSet;
import dev.tessera.train.model.TokenizerNetwork;
import dev.tessera.train.quantize.Quantizer;
import dev.tessera.train.quantize.VqConfig;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

/** A data-parallel step runs its shards at the same time, one thread per device. */
class StepRunnerTest {

    private static final Architecture ARCH = new Architecture(1, 32, 32, 4, 4, 2, 0);
    private static final InMemoryImages DATA =
            new InMemoryImages(new SyntheticShapes().generate(32, 9), null, "shapes");

    @Test
    void theShardsOfAStepRunConcurrentlyOnTheirOwnThreads() {
        // Each shard waits at the barrier until the other has started: shards run one after the
        // other would time out here.
        CyclicBarrier bothStarted = new CyclicBarrier(2);
        Map<Integer, String> threads = new ConcurrentHashMap<>();
        List<Device> devices = List.of(Device.cpu(), Device.cpu());
        TokenizerNetwork network = new TokenizerNetwork(ARCH);
        Quantizer quantizer = VqConfig.defaults(8, 2).create();
        try (NDManager manager = NDManager.newBaseManager();
                StepStats stats = new StepStats(manager, 8);
                BatchPrefetcher batches =
                        new BatchPrefetcher(DATA, new BatchSchedule(32, 16, 3), manager, devices, 1);
                StepRunner runner =
                        new StepRunner(
                                network,
                                quantizer,
                                devices,
                                StepProfile.off(),
                                shard -> {
                                    threads.put(shard, Thread.currentThread().getName());
                                    try {
                                        bothStarted.await(30, TimeUnit.SECONDS);
                                    } catch (Exception e) {
                                        throw new IllegalStateException("shard " + shard, e);
                                    }
                                })) {
            ParameterSet params = new ParameterSet(manager);
            network.initParameters(params, 3);
            float[] rows = new float[64 * 2];
            SplittableRandom random = new SplittableRandom(4);
            for (int i = 0; i < rows.length; i++) {
                rows[i] = (float) random.nextGaussian();
            }
            quantizer.initParameters(params, rows, 5);
            Adam adam = new Adam(1e-3);
            runner.step(params, batches, 1, 0, stats, scratch -> adam.update(params, scratch));
            assertEquals(2, threads.size());
            assertTrue(!threads.get(0).equals(threads.get(1)), threads.toString());
            StepStats.Window window = stats.read();
            assertEquals(1, window.size());
            assertTrue(Double.isFinite(window.loss(0)), "loss " + window.loss(0));
            assertEquals(1, adam.step());
        }
    }
}
