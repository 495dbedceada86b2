package dev.tessera.runtime.server.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

class DynamicBatcherTest {

    /** Input: a list of numbers (its size is the item count); output: each number doubled. */
    private static final class Doubler implements BatchRunner<List<Integer>, List<Integer>> {
        final List<List<Integer>> runs = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch firstRunStarted = new CountDownLatch(1);
        final CountDownLatch release;

        Doubler(boolean holdFirstRun) {
            release = new CountDownLatch(holdFirstRun ? 1 : 0);
        }

        @Override
        public List<List<Integer>> run(List<List<Integer>> inputs) {
            List<Integer> merged = new ArrayList<>();
            inputs.forEach(merged::addAll);
            runs.add(merged);
            firstRunStarted.countDown();
            await(release);
            if (merged.contains(-1)) {
                throw new IllegalArgumentException("cannot double -1");
            }
            List<List<Integer>> out = new ArrayList<>();
            for (List<Integer> in : inputs) {
                out.add(in.stream().map(x -> 2 * x).toList());
            }
            return out;
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS), "timed out");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static DynamicBatcher<List<Integer>, List<Integer>> batcher(
            BatchPolicy policy, Doubler runner, BatchListener listener) {
        return DynamicBatcher.start("test", policy, List::size, runner, listener);
    }

    /** A batcher of {@code workers} that reads the time from {@code ticker}. */
    private static DynamicBatcher<List<Integer>, List<Integer>> batcher(
            BatchPolicy policy,
            BatchRunner<List<Integer>, List<Integer>> runner,
            int workers,
            LongSupplier ticker) {
        return DynamicBatcher.builder("test", policy, List::size, runner)
                .workers(workers)
                .ticker(ticker)
                .start();
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void mergesWaitingRequestsInOrderUpToMaxBatch() throws Exception {
        Doubler runner = new Doubler(true);
        List<int[]> sizes = Collections.synchronizedList(new ArrayList<>());
        BatchListener listener =
                new BatchListener() {
                    @Override
                    public void batchRan(int items, int requests, long nanos) {
                        sizes.add(new int[] {items, requests});
                    }
                };
        try (var b = batcher(new BatchPolicy(5, Duration.ZERO, 100), runner, listener)) {
            CompletableFuture<List<Integer>> first = b.submit(List.of(1), Context.ROOT);
            await(runner.firstRunStarted);
            // While the model is busy these queue up; 2 + 3 fill a batch of 5, 3 more waits.
            var second = b.submit(List.of(2, 3), Context.ROOT);
            var third = b.submit(List.of(4, 5, 6), Context.ROOT);
            var fourth = b.submit(List.of(7, 8, 9), Context.ROOT);
            assertEquals(8, b.queuedItems());
            runner.release.countDown();
            assertEquals(List.of(2), get(first));
            assertEquals(List.of(4, 6), get(second));
            assertEquals(List.of(8, 10, 12), get(third));
            assertEquals(List.of(14, 16, 18), get(fourth));
            assertEquals(
                    List.of(List.of(1), List.of(2, 3, 4, 5, 6), List.of(7, 8, 9)), runner.runs);
            assertEquals(0, b.queuedItems());
        }
        assertEquals(
                List.of("1/1", "5/2", "3/1"), sizes.stream().map(s -> s[0] + "/" + s[1]).toList());
    }

    @Test
    void waitsUpToMaxDelayForABatchToFill() throws Exception {
        Doubler runner = new Doubler(false);
        AtomicLong now = new AtomicLong();
        try (var b =
                batcher(new BatchPolicy(4, Duration.ofMillis(300), 100), runner, 1, now::get)) {
            var alone = b.submit(List.of(1), Context.ROOT);
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(50));
            var joins = b.submit(List.of(2), Context.ROOT);
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(249));
            // 299 ms after the first request by the batcher's clock: nothing can have run.
            assertFalse(alone.isDone());
            assertEquals(List.of(), runner.runs);
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
            assertEquals(List.of(2), get(alone));
            assertEquals(List.of(4), get(joins));
            assertEquals(List.of(List.of(1, 2)), runner.runs, "both joined one run");
        }
    }

    @Test
    void aFullBatchRunsWithoutWaitingForTheDelay() throws Exception {
        Doubler runner = new Doubler(false);
        AtomicLong frozen = new AtomicLong();
        try (var b =
                batcher(new BatchPolicy(3, Duration.ofSeconds(30), 100), runner, 1, frozen::get)) {
            // The clock never moves: only a full batch can run.
            assertEquals(List.of(2, 4, 6), get(b.submit(List.of(1, 2, 3), Context.ROOT)));
            var first = b.submit(List.of(4, 5), Context.ROOT);
            var second = b.submit(List.of(6), Context.ROOT);
            assertEquals(List.of(8, 10), get(first));
            assertEquals(List.of(12), get(second));
            assertEquals(List.of(List.of(1, 2, 3), List.of(4, 5, 6)), runner.runs);
        }
    }

    @Test
    void severalWorkersRunBatchesAtOnce() throws Exception {
        CountDownLatch bothRunning = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        List<List<Integer>> runs = Collections.synchronizedList(new ArrayList<>());
        BatchRunner<List<Integer>, List<Integer>> runner =
                inputs -> {
                    List<Integer> merged = new ArrayList<>();
                    inputs.forEach(merged::addAll);
                    runs.add(merged);
                    bothRunning.countDown();
                    await(release);
                    return inputs.stream().map(in -> in.stream().map(x -> -x).toList()).toList();
                };
        try (var b = batcher(new BatchPolicy(2, Duration.ZERO, 100), runner, 2, System::nanoTime)) {
            var first = b.submit(List.of(1, 2), Context.ROOT);
            var second = b.submit(List.of(3, 4), Context.ROOT);
            // Both runs are in the model at once: each waits for the other to have started.
            await(bothRunning);
            var third = b.submit(List.of(5), Context.ROOT);
            assertEquals(1, b.queuedItems(), "no third worker");
            release.countDown();
            assertEquals(List.of(-1, -2), get(first));
            assertEquals(List.of(-3, -4), get(second));
            assertEquals(List.of(-5), get(third));
            assertEquals(Set.of(List.of(1, 2), List.of(3, 4), List.of(5)), Set.copyOf(runs));
        }
    }

    @Test
    void anIdleWorkerRunsALoneRequestAtOnceWhateverTheDelay() throws Exception {
        Doubler runner = new Doubler(false);
        AtomicLong frozen = new AtomicLong();
        try (var b =
                batcher(new BatchPolicy(8, Duration.ofHours(1), 100), runner, 2, frozen::get)) {
            // The clock never moves and the batch is not full, but the other worker is idle.
            assertEquals(List.of(14), get(b.submit(List.of(7), Context.ROOT)));
        }
    }

    @Test
    void theLastFreeWorkerWaitsForAFullBatchAndEachRunTakesItsShare() throws Exception {
        Doubler runner = new Doubler(true);
        AtomicLong frozen = new AtomicLong();
        try (var b =
                batcher(new BatchPolicy(8, Duration.ofHours(1), 100), runner, 2, frozen::get)) {
            List<CompletableFuture<List<Integer>>> results = new ArrayList<>();
            results.add(b.submit(List.of(1), Context.ROOT)); // runs at once, and is held
            await(runner.firstRunStarted);
            for (int i = 2; i <= 9; i++) {
                results.add(b.submit(List.of(i), Context.ROOT));
            }
            // 8 queued fill a batch: the last free worker takes its half and is held too.
            runner.release.countDown();
            for (int i = 0; i < results.size(); i++) {
                assertEquals(List.of(2 * (i + 1)), get(results.get(i)));
            }
            assertEquals(List.of(1), runner.runs.get(0));
            assertEquals(
                    Set.of(List.of(1), List.of(2, 3, 4, 5), List.of(6, 7), List.of(8), List.of(9)),
                    Set.copyOf(runner.runs),
                    "the rest spread over both workers");
        }
    }

    @Test
    void mergedCallersAreCompletedOnTheCompletionsExecutorALoneOneByItsWorker() throws Exception {
        Doubler runner = new Doubler(true);
        AtomicInteger tasks = new AtomicInteger();
        ExecutorService done =
                Executors.newSingleThreadExecutor(r -> new Thread(r, "completions-test"));
        Executor counting =
                task -> {
                    tasks.incrementAndGet();
                    done.execute(task);
                };
        try (var b =
                DynamicBatcher.builder(
                                "test", new BatchPolicy(8, Duration.ZERO, 100), List::size, runner)
                        .completions(counting)
                        .start()) {
            var first =
                    b.submit(List.of(1), Context.ROOT)
                            .thenApply(out -> Thread.currentThread().getName());
            await(runner.firstRunStarted);
            List<CompletableFuture<String>> merged = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                merged.add(
                        b.submit(List.of(i), Context.ROOT)
                                .thenApply(out -> Thread.currentThread().getName()));
            }
            runner.release.countDown();
            assertEquals("tessera-batcher test", get(first));
            for (CompletableFuture<String> f : merged) {
                assertEquals("completions-test", get(f));
            }
            assertEquals(1, tasks.get(), "one task for the run of five");
        } finally {
            done.shutdownNow();
        }
    }

    @Test
    void aFullQueueRefusesAtOnceAndFreesAfterTheRun() throws Exception {
        Doubler runner = new Doubler(true);
        try (var b = batcher(new BatchPolicy(2, Duration.ZERO, 4), runner, BatchListener.NONE)) {
            var running = b.submit(List.of(0), Context.ROOT);
            await(runner.firstRunStarted);
            var q1 = b.submit(List.of(1, 2), Context.ROOT);
            var q2 = b.submit(List.of(3), Context.ROOT);
            QueueFullException e =
                    assertThrows(
                            QueueFullException.class, () -> b.submit(List.of(4, 5), Context.ROOT));
            assertEquals(
                    "test: the queue holds 3 of at most 4 images or grids, no room for 2 more;"
                            + " retry with backoff or spread the load over more servers",
                    e.getMessage());
            var fits = b.submit(List.of(6), Context.ROOT);
            runner.release.countDown();
            get(running);
            assertEquals(List.of(2, 4), get(q1));
            assertEquals(List.of(6), get(q2));
            assertEquals(List.of(12), get(fits));
            assertEquals(List.of(8, 10), get(b.submit(List.of(4, 5), Context.ROOT)));
        }
    }

    @Test
    void aRequestWhoseDeadlinePassesInTheQueueIsDroppedUnrun() throws Exception {
        Doubler runner = new Doubler(true);
        AtomicInteger deadlines = new AtomicInteger();
        BatchListener listener =
                new BatchListener() {
                    @Override
                    public void dropped(boolean deadlineExceeded) {
                        if (deadlineExceeded) {
                            deadlines.incrementAndGet();
                        }
                    }
                };
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (var b = batcher(new BatchPolicy(8, Duration.ZERO, 100), runner, listener)) {
            var running = b.submit(List.of(1), Context.ROOT);
            await(runner.firstRunStarted);
            Context.CancellableContext shortLived =
                    Context.ROOT.withDeadline(Deadline.after(50, TimeUnit.MILLISECONDS), timer);
            var late = b.submit(List.of(99, 98), shortLived);
            var onTime = b.submit(List.of(3), Context.ROOT);
            ExecutionException e = assertThrows(ExecutionException.class, () -> get(late));
            StatusRuntimeException status =
                    assertInstanceOf(StatusRuntimeException.class, e.getCause());
            assertEquals(Status.Code.DEADLINE_EXCEEDED, status.getStatus().getCode());
            assertTrue(
                    status.getStatus().getDescription().contains("dropped by test before its turn"),
                    status.getStatus().getDescription());
            assertEquals(1, b.queuedItems(), "the dropped request left the queue at once");
            runner.release.countDown();
            get(running);
            assertEquals(List.of(6), get(onTime));
            assertEquals(List.of(List.of(1), List.of(3)), runner.runs, "99 and 98 never ran");
            assertEquals(1, deadlines.get());
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void aCancelledCallIsDroppedWithCancelled() throws Exception {
        Doubler runner = new Doubler(true);
        try (var b = batcher(new BatchPolicy(8, Duration.ZERO, 100), runner, BatchListener.NONE)) {
            b.submit(List.of(1), Context.ROOT);
            await(runner.firstRunStarted);
            Context.CancellableContext call = Context.ROOT.withCancellation();
            var f = b.submit(List.of(5), call);
            call.cancel(null);
            ExecutionException e = assertThrows(ExecutionException.class, () -> get(f));
            assertEquals(
                    Status.Code.CANCELLED,
                    ((StatusRuntimeException) e.getCause()).getStatus().getCode());
            runner.release.countDown();
        }
        assertEquals(List.of(List.of(1)), runner.runs);
    }

    @Test
    void aFailingMergedRunIsRetriedPerRequestSoOthersSucceed() throws Exception {
        Doubler runner = new Doubler(true);
        try (var b = batcher(new BatchPolicy(8, Duration.ZERO, 100), runner, BatchListener.NONE)) {
            var first = b.submit(List.of(0), Context.ROOT);
            await(runner.firstRunStarted);
            var good1 = b.submit(List.of(1), Context.ROOT);
            var bad = b.submit(List.of(-1), Context.ROOT);
            var good2 = b.submit(List.of(2, 3), Context.ROOT);
            runner.release.countDown();
            get(first);
            assertEquals(List.of(2), get(good1));
            assertEquals(List.of(4, 6), get(good2));
            ExecutionException e = assertThrows(ExecutionException.class, () -> get(bad));
            assertInstanceOf(IllegalArgumentException.class, e.getCause());
            assertEquals(
                    List.of(
                            List.of(0),
                            List.of(1, -1, 2, 3),
                            List.of(1),
                            List.of(-1),
                            List.of(2, 3)),
                    runner.runs);
        }
    }

    @Test
    void closeFinishesQueuedWorkThenRefuses() throws Exception {
        Doubler runner = new Doubler(true);
        var b = batcher(new BatchPolicy(1, Duration.ZERO, 10), runner, BatchListener.NONE);
        var first = b.submit(List.of(1), Context.ROOT);
        await(runner.firstRunStarted);
        var queued = b.submit(List.of(2), Context.ROOT);
        Thread closing = new Thread(b::close, "closing");
        closing.start();
        // close() parks until the worker has finished; the worker is held in the first run.
        while (closing.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        assertFalse(queued.isDone(), "close waits for queued work");
        assertTrue(closing.isAlive());
        runner.release.countDown();
        closing.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(closing.isAlive());
        assertEquals(List.of(2), get(first));
        assertEquals(List.of(4), get(queued));
        assertThrows(BatcherClosedException.class, () -> b.submit(List.of(3), Context.ROOT));
    }

    @Test
    void policyAndSizesAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new BatchPolicy(0, Duration.ZERO, 1));
        assertThrows(
                IllegalArgumentException.class, () -> new BatchPolicy(4, Duration.ofMillis(-1), 4));
        IllegalArgumentException small =
                assertThrows(
                        IllegalArgumentException.class, () -> new BatchPolicy(8, Duration.ZERO, 4));
        assertTrue(small.getMessage().startsWith("queueCapacity: expected ≥ maxBatch (8)"));
        try (var b =
                batcher(
                        new BatchPolicy(2, Duration.ZERO, 4),
                        new Doubler(false),
                        BatchListener.NONE)) {
            assertThrows(
                    IllegalArgumentException.class, () -> b.submit(List.of(1, 2, 3), Context.ROOT));
            assertThrows(IllegalArgumentException.class, () -> b.submit(List.of(), Context.ROOT));
        }
    }
}
