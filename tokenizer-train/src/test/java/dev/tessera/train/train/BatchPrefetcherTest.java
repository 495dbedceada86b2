package dev.tessera.train.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.train.data.ImageSource;
import dev.tessera.train.data.InMemoryImages;
import dev.tessera.train.data.SyntheticShapes;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

/** Batches read ahead on a background thread are the schedule's batches, in order. */
class BatchPrefetcherTest {

    private static final ImageBatch IMAGES = new SyntheticShapes().generate(40, 8);
    private static final InMemoryImages DATA = new InMemoryImages(IMAGES, null, "shapes");

    @Test
    void everyStepGetsTheScheduledImagesSplitIntoShards() {
        BatchSchedule reference = new BatchSchedule(40, 8, 5);
        try (NDManager manager = NDManager.newBaseManager();
                BatchPrefetcher batches =
                        new BatchPrefetcher(
                                DATA,
                                new BatchSchedule(40, 8, 5),
                                manager,
                                List.of(Device.cpu(), Device.cpu()),
                                12)) {
            for (int step = 1; step <= 12; step++) {
                byte[] expected = DATA.read(reference.indices(step)).pixels();
                try (NDManager scratch = manager.newSubManager();
                        BatchPrefetcher.DeviceBatch batch = batches.take(step)) {
                    NDArray first = batch.take(0, scratch);
                    NDArray second = batch.take(1, scratch);
                    assertEquals(4, first.getShape().get(0));
                    int half = expected.length / 2;
                    assertArrayEquals(
                            Arrays.copyOfRange(expected, 0, half), first.toByteArray(), "" + step);
                    assertArrayEquals(
                            Arrays.copyOfRange(expected, half, expected.length),
                            second.toByteArray());
                }
            }
        }
    }

    @Test
    void aStepOutOfOrderIsReadForItself() {
        BatchSchedule reference = new BatchSchedule(40, 8, 5);
        try (NDManager manager = NDManager.newBaseManager();
                BatchPrefetcher batches =
                        new BatchPrefetcher(
                                DATA, new BatchSchedule(40, 8, 5), manager, List.of(Device.cpu()), 9);
                BatchPrefetcher.DeviceBatch first = batches.take(2);
                BatchPrefetcher.DeviceBatch jumped = batches.take(7)) {
            assertArrayEquals(
                    DATA.read(reference.indices(7)).pixels(),
                    jumped.take(0, manager).toByteArray());
        }
    }

    @Test
    void aReadErrorReachesTheStepThatNeedsIt() {
        ImageSource broken =
                new ImageSource() {
                    @Override
                    public int count() {
                        return 40;
                    }

                    @Override
                    public int channels() {
                        return 1;
                    }

                    @Override
                    public int height() {
                        return 32;
                    }

                    @Override
                    public int width() {
                        return 32;
                    }

                    @Override
                    public ImageBatch read(int[] indices) {
                        throw new IllegalStateException("disk gone");
                    }

                    @Override
                    public String describe() {
                        return "broken";
                    }
                };
        try (NDManager manager = NDManager.newBaseManager();
                BatchPrefetcher batches =
                        new BatchPrefetcher(
                                broken,
                                new BatchSchedule(40, 8, 5),
                                manager,
                                List.of(Device.cpu()),
                                3)) {
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> batches.take(1));
            assertEquals("disk gone", e.getMessage());
        }
    }
}
