package dev.tessera.train.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.train.data.ImageSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads the images of the next step and puts them on the devices on a background thread while the
 * current step runs. Decoding files and the host-to-device copy (a synchronous one: DJL copies from
 * pageable memory) then overlap the step instead of preceding it. Which images a step gets depends
 * only on the schedule, so the order of training is unchanged.
 */
final class BatchPrefetcher implements AutoCloseable {

    /** The images of one step, one array per shard, each on its shard's device (uint8 NCHW). */
    record DeviceBatch(List<NDArray> shards, NDManager manager) implements AutoCloseable {

        /** Hands shard {@code i} to {@code owner}, which then closes it with the step. */
        NDArray take(int i, NDManager owner) {
            NDArray pixels = shards.get(i);
            pixels.attach(owner);
            return pixels;
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    private final ImageSource data;
    private final BatchSchedule schedule;
    private final NDManager owner;
    private final List<Device> devices;
    private final int lastStep;
    private final ExecutorService thread =
            Executors.newSingleThreadExecutor(Futures.daemonThreads("tessera-batch-prefetch"));
    private Future<DeviceBatch> next;
    private int nextStep = -1;

    /**
     * @param owner the manager the batches' managers are created under (closed with it at the
     *     latest)
     * @param devices one shard per device; the batch is split evenly
     */
    BatchPrefetcher(
            ImageSource data,
            BatchSchedule schedule,
            NDManager owner,
            List<Device> devices,
            int lastStep) {
        this.data = data;
        this.schedule = schedule;
        this.owner = owner;
        this.devices = List.copyOf(devices);
        this.lastStep = lastStep;
    }

    /** The batch of {@code step}; starts reading the one of {@code step + 1}. */
    DeviceBatch take(int step) {
        if (next == null || nextStep != step) {
            cancelPending();
            next = submit(step);
        }
        DeviceBatch batch = await(next);
        next = step < lastStep ? submit(step + 1) : null;
        nextStep = step + 1;
        return batch;
    }

    private Future<DeviceBatch> submit(int step) {
        // The schedule is read on the prefetch thread only: it caches the epoch's permutation.
        return thread.submit(() -> upload(data.read(schedule.indices(step))));
    }

    private DeviceBatch upload(ImageBatch batch) {
        NDManager manager = owner.newSubManager();
        try {
            int shardSize = batch.count() / devices.size();
            List<NDArray> shards = new ArrayList<>();
            for (int i = 0; i < devices.size(); i++) {
                NDManager device = manager.newSubManager(devices.get(i));
                shards.add(
                        TrainedTokenizer.toArray(
                                device, batch.slice(i * shardSize, (i + 1) * shardSize)));
            }
            return new DeviceBatch(shards, manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static DeviceBatch await(Future<DeviceBatch> future) {
        return Futures.await(future, "reading a training batch");
    }

    private void cancelPending() {
        if (next != null) {
            try {
                await(next).close();
            } catch (RuntimeException e) {
                // the batch of a step that will not run: its read error does not matter
            }
            next = null;
        }
    }

    @Override
    public void close() {
        cancelPending();
        thread.shutdownNow();
    }
}
