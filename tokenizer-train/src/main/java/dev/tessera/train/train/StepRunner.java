package dev.tessera.train.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

import dev.tessera.train.model.ParameterSet;
import dev.tessera.train.model.Scalars;
import dev.tessera.train.model.TokenizerNetwork;
import dev.tessera.train.quantize.Codebook;
import dev.tessera.train.quantize.Quantizer;
import dev.tessera.train.quantize.QuantizerStep;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * One training step: forward and backward pass on every shard of the batch, the shards' gradients
 * summed into the parameters, the optimiser's update, and the step's values handed to {@link
 * StepStats} on the device. Nothing is read to the host unless the quantizer updates itself from
 * the step's codes on the host (vq-ema). With several devices, the shards run concurrently, one
 * thread per device: shard 0 on the calling thread with the parameters themselves, every other on
 * its own thread with a copy of them on its device.
 */
final class StepRunner implements AutoCloseable {

    /** The optimiser's update, applied once the gradients of every shard are summed. */
    @FunctionalInterface
    interface Update {
        void apply(NDManager scratch);
    }

    /** Codes and encoder outputs of the whole batch on the host, for a quantizer that needs them. */
    record HostResult(int[] tokens, float[] rows) {}

    /** What one shard's forward and backward pass leave: values on its device. */
    private record ShardResult(StepStats.Values values, NDArray rows) {}

    private final TokenizerNetwork network;
    private final Quantizer quantizer;
    private final List<Device> devices;
    private final StepProfile profile;
    private final IntConsumer shardStarted;
    private final ExecutorService shardThreads;

    StepRunner(
            TokenizerNetwork network,
            Quantizer quantizer,
            List<Device> devices,
            StepProfile profile) {
        this(network, quantizer, devices, profile, shard -> {});
    }

    /** With {@code shardStarted} told, on its thread, when each shard starts (for a test). */
    StepRunner(
            TokenizerNetwork network,
            Quantizer quantizer,
            List<Device> devices,
            StepProfile profile,
            IntConsumer shardStarted) {
        this.shardStarted = shardStarted;
        this.network = network;
        this.quantizer = quantizer;
        this.devices = List.copyOf(devices);
        this.profile = profile;
        this.shardThreads =
                devices.size() == 1
                        ? null
                        : Executors.newFixedThreadPool(
                                devices.size() - 1, Futures.daemonThreads("tessera-shard"));
    }

    /**
     * Runs step {@code step} on its batch from {@code batches}; returns the host values a quantizer
     * that updates after the step needs, or null.
     */
    HostResult step(
            ParameterSet params,
            BatchPrefetcher batches,
            int step,
            double progress,
            StepStats stats,
            Update update) {
        try (NDManager scratch = params.manager().newSubManager()) {
            profile.startStep();
            params.arrays().values().forEach(a -> a.tempAttach(scratch));
            List<ShardResult> shards;
            try (BatchPrefetcher.DeviceBatch batch = batches.take(step)) {
                profile.phase("batch to device", null);
                shards = forwardBackward(params, batch, scratch, progress);
            }
            update.apply(scratch);
            profile.lazyPhase("optimizer", () -> params.arrays().values().iterator().next());
            stats.record(step, shards.stream().map(ShardResult::values).toList());
            HostResult host = quantizer.updatesAfterStep() ? hostResult(shards) : null;
            profile.phase("statistics and host reads", null);
            profile.endStep(scratch);
            return host;
        }
    }

    private List<ShardResult> forwardBackward(
            ParameterSet params,
            BatchPrefetcher.DeviceBatch batch,
            NDManager scratch,
            double progress) {
        int shards = devices.size();
        List<ShardResult> results = new ArrayList<>();
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            if (shards == 1) {
                results.add(
                        shard(collector, params, batch.take(0, scratch), progress, 0, 1, profile));
                return results;
            }
            ParameterSet[] replicas = new ParameterSet[shards];
            List<Future<ShardResult>> running = new ArrayList<>();
            for (int i = 1; i < shards; i++) {
                int index = i;
                NDManager manager = scratch.newSubManager(devices.get(i));
                NDArray pixels = batch.take(i, manager);
                running.add(
                        shardThreads.submit(
                                () -> {
                                    // PyTorch's autograd switch is per thread, and DJL turns it
                                    // on only on the thread that opened the collector.
                                    JniUtils.setGradMode(true);
                                    replicas[index] = params.replicate(manager);
                                    return shard(
                                            collector,
                                            replicas[index],
                                            pixels,
                                            progress,
                                            index,
                                            shards,
                                            StepProfile.off());
                                }));
            }
            results.add(
                    shard(collector, params, batch.take(0, scratch), progress, 0, shards, profile));
            for (Future<ShardResult> r : running) {
                results.add(Futures.await(r, "a shard was training"));
            }
            for (int i = 1; i < shards; i++) {
                addGradients(params, replicas[i]);
            }
            profile.phase("gradient sum", null);
            return results;
        }
    }

    private ShardResult shard(
            GradientCollector collector,
            ParameterSet params,
            NDArray pixels,
            double progress,
            int index,
            int shards,
            StepProfile timing) {
        shardStarted.accept(index);
        NDArray levels = pixels.toType(DataType.FLOAT32, false);
        NDArray target = levels.div(Scalars.like(levels, 255));
        NDArray zHat = network.encode(params, TokenizerNetwork.normalize(levels));
        timing.phase("encoder", zHat);
        QuantizerStep q = quantizer.trainStep(params, zHat, progress);
        timing.phase("quantizer", q.codes());
        NDArray mse = network.decode(params, q.codes()).sub(target).square().mean();
        NDArray loss = mse.add(q.loss());
        timing.phase("decoder and loss", loss);
        // Each shard's mean loss weighs 1/shards, so the summed gradients are those of the
        // whole batch's mean.
        collector.backward(shards == 1 ? loss : loss.div(Scalars.like(loss, shards)));
        timing.lazyPhase("backward", () -> params.arrays().values().iterator().next().getGradient());
        NDArray rows =
                quantizer.updatesAfterStep()
                        ? Codebook.flattenPositions(zHat).stopGradient()
                        : null;
        return new ShardResult(new StepStats.Values(loss, mse, q.terms(), q.tokens()), rows);
    }

    private static void addGradients(ParameterSet params, ParameterSet replica) {
        params.arrays()
                .forEach(
                        (name, array) -> {
                            if (array.hasGradient()) {
                                NDArray grad = replica.get(name).getGradient();
                                array.getGradient().addi(grad.toDevice(array.getDevice(), false));
                            }
                        });
    }

    private static HostResult hostResult(List<ShardResult> shards) {
        int[][] tokens = new int[shards.size()][];
        float[][] rows = new float[shards.size()][];
        for (int i = 0; i < shards.size(); i++) {
            ShardResult s = shards.get(i);
            tokens[i] = s.values().tokens().toType(DataType.INT32, false).toIntArray();
            rows[i] = s.rows().toFloatArray();
        }
        return new HostResult(concat(tokens), concat(rows));
    }

    private static int[] concat(int[][] parts) {
        int total = 0;
        for (int[] p : parts) {
            total += p.length;
        }
        int[] out = new int[total];
        int offset = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, offset, p.length);
            offset += p.length;
        }
        return out;
    }

    static float[] concat(float[][] parts) {
        int total = 0;
        for (float[] p : parts) {
            total += p.length;
        }
        float[] out = new float[total];
        int offset = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, offset, p.length);
            offset += p.length;
        }
        return out;
    }

    @Override
    public void close() {
        if (shardThreads != null) {
            shardThreads.shutdownNow();
        }
    }
}
