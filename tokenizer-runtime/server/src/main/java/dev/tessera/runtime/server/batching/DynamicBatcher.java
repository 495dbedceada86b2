package dev.tessera.runtime.server.batching;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Status;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;

/**
 * Merges the requests of concurrent callers into model runs of up to {@link BatchPolicy#maxBatch}
 * items and keeps up to {@code workers} runs in flight (one per model instance, like the instances
 * of a Triton model).
 *
 * <p>Batches are formed in arrival order by one worker at a time (the others wait for their turn),
 * so a request never overtakes an earlier one into a batch; with several workers a later batch may
 * finish first. A batch runs as soon as it is full, as soon as another worker is idle too, or
 * {@link BatchPolicy#maxDelay} after its oldest request arrived: only the last free worker waits
 * for a batch to fill, and each batch takes at most its share of the queue ({@link BatchQueue}).
 * While a worker forms the next batch, the others run theirs, so batch assembly is off the runs'
 * critical path, and the outputs of a run of several requests are handed to the {@code completions}
 * executor in one task, so answering the callers is too (a run of one request is answered by its
 * worker at once, which saves a lone caller a thread hand-off).
 *
 * <p>The queue is bounded ({@link BatchPolicy#queueCapacity} items): a request that does not fit is
 * refused at once with {@link QueueFullException}. A request whose call is cancelled or whose
 * deadline passes while it waits leaves the queue at once and fails with that status; its work is
 * never run. When a merged run fails, each of its requests is run again on its own, so that one
 * request the model cannot handle does not fail the others. The delay is measured with an injected
 * ticker, so tests advance time instead of sleeping. Owns its threads: {@link #close()} finishes
 * what is queued, then stops them.
 *
 * @param <I> one request's input
 * @param <O> one request's output
 */
public final class DynamicBatcher<I, O> implements AutoCloseable {

    private final String name;
    private final BatchPolicy policy;
    private final ToIntFunction<I> sizeOf;
    private final BatchRunner<I, O> runner;
    private final BatchListener listener;
    private final Executor completions;
    private final LongSupplier ticker;
    private final BatchQueue<Job> queue;
    private final List<Thread> workers = new ArrayList<>();

    /** One request waiting for, or in, a model run. */
    private final class Job extends BatchQueue.Entry implements Context.CancellationListener {
        final I input;
        final Context context;
        final CompletableFuture<O> result = new CompletableFuture<>();

        Job(I input, int size, Context context, long enqueuedNanos) {
            super(size, enqueuedNanos);
            this.input = input;
            this.context = context;
        }

        @Override
        public void cancelled(Context context) {
            dropIfQueued(this);
        }
    }

    /**
     * How a batcher is built: {@link DynamicBatcher#builder}.
     *
     * @param <I> one request's input
     * @param <O> one request's output
     */
    public static final class Builder<I, O> {
        private final String name;
        private final BatchPolicy policy;
        private final ToIntFunction<I> sizeOf;
        private final BatchRunner<I, O> runner;
        private int workers = 1;
        private BatchListener listener = BatchListener.NONE;
        private Executor completions = Runnable::run;
        private LongSupplier ticker = System::nanoTime;

        private Builder(
                String name,
                BatchPolicy policy,
                ToIntFunction<I> sizeOf,
                BatchRunner<I, O> runner) {
            this.name = Objects.requireNonNull(name, "name");
            this.policy = Objects.requireNonNull(policy, "policy");
            this.sizeOf = Objects.requireNonNull(sizeOf, "sizeOf");
            this.runner = Objects.requireNonNull(runner, "runner");
        }

        /** Runs in flight at once, each on a worker thread of its own (default 1). */
        public Builder<I, O> workers(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("workers: expected ≥ 1, got " + count);
            }
            this.workers = count;
            return this;
        }

        /** Hears about runs and dropped requests (default: nobody). */
        public Builder<I, O> listener(BatchListener batchListener) {
            this.listener = Objects.requireNonNull(batchListener, "listener");
            return this;
        }

        /**
         * Completes the callers' futures of a run of several requests, and so runs what they chain
         * on them, one task per run (default: on the worker, before its next batch).
         */
        public Builder<I, O> completions(Executor executor) {
            this.completions = Objects.requireNonNull(executor, "completions");
            return this;
        }

        /** The nanosecond time the delay is measured with (default {@link System#nanoTime}). */
        public Builder<I, O> ticker(LongSupplier nanoTicker) {
            this.ticker = Objects.requireNonNull(nanoTicker, "ticker");
            return this;
        }

        /** Creates the batcher and starts its workers. */
        public DynamicBatcher<I, O> start() {
            DynamicBatcher<I, O> batcher = new DynamicBatcher<>(this);
            batcher.workers.forEach(Thread::start);
            return batcher;
        }
    }

    private DynamicBatcher(Builder<I, O> b) {
        this.name = b.name;
        this.policy = b.policy;
        this.sizeOf = b.sizeOf;
        this.runner = b.runner;
        this.listener = b.listener;
        this.completions = b.completions;
        this.ticker = b.ticker;
        this.queue = new BatchQueue<>(name, policy, ticker, b.workers);
        for (int i = 0; i < b.workers; i++) {
            Thread worker =
                    new Thread(
                            this::work,
                            "tessera-batcher " + name + (b.workers > 1 ? " #" + i : ""));
            worker.setDaemon(true);
            workers.add(worker);
        }
    }

    /**
     * A builder of a batcher.
     *
     * @param name names the batcher in messages and its threads, e.g. {@code encode toy:2}
     * @param sizeOf the number of items (images or grids) of one input, 1 to {@code maxBatch}
     * @param runner runs a merged batch; called from several threads at once when there are several
     *     workers
     */
    public static <I, O> Builder<I, O> builder(
            String name, BatchPolicy policy, ToIntFunction<I> sizeOf, BatchRunner<I, O> runner) {
        return new Builder<>(name, policy, sizeOf, runner);
    }

    /**
     * Creates a batcher with one worker that completes its callers itself and starts it.
     *
     * @param name names the batcher in messages and its thread, e.g. {@code encode toy:2}
     * @param sizeOf the number of items (images or grids) of one input, 1 to {@code maxBatch}
     * @param runner runs a merged batch
     * @param listener hears about runs and dropped requests
     */
    public static <I, O> DynamicBatcher<I, O> start(
            String name,
            BatchPolicy policy,
            ToIntFunction<I> sizeOf,
            BatchRunner<I, O> runner,
            BatchListener listener) {
        return builder(name, policy, sizeOf, runner).listener(listener).start();
    }

    /**
     * Queues one request.
     *
     * @param context the call's context: its cancellation or deadline drops the request
     * @return the request's output, or its failure: the runner's exception, a {@link
     *     io.grpc.StatusRuntimeException} with {@code DEADLINE_EXCEEDED} or {@code CANCELLED} when
     *     dropped
     * @throws QueueFullException if the queue has no room for the input's items
     * @throws BatcherClosedException if the batcher is shut down
     * @throws IllegalArgumentException if the input has no items or more than {@code maxBatch}
     */
    public CompletableFuture<O> submit(I input, Context context) {
        Objects.requireNonNull(context, "context");
        int size = sizeOf.applyAsInt(input);
        if (size < 1 || size > policy.maxBatch()) {
            throw new IllegalArgumentException(
                    name + ": expected 1 to " + policy.maxBatch() + " items, got " + size);
        }
        Job job = new Job(input, size, context, ticker.getAsLong());
        queue.add(job);
        // Runs at once if the context is already cancelled; a no-op for a context that cannot be.
        context.addListener(job, Runnable::run);
        return job.result;
    }

    /** Items (images or grids) waiting for a run. */
    public int queuedItems() {
        return queue.queuedItems();
    }

    private void dropIfQueued(Job job) {
        if (queue.remove(job)) {
            drop(job);
        }
    }

    private void drop(Job job) {
        Status status = Contexts.statusFromCancelled(job.context);
        if (status == null) {
            status = Status.CANCELLED.withDescription("the call was cancelled");
        }
        listener.dropped(status.getCode() == Status.Code.DEADLINE_EXCEEDED);
        RuntimeException failure =
                status.augmentDescription("dropped by " + name + " before its turn")
                        .asRuntimeException();
        // The cancelling thread may be a transport thread: the caller's answer is sent elsewhere.
        complete(() -> job.result.completeExceptionally(failure));
    }

    private void work() {
        while (true) {
            List<Job> batch = queue.next();
            if (batch == null) {
                return;
            }
            run(batch);
        }
    }

    private void run(List<Job> batch) {
        List<Job> live = new ArrayList<>(batch.size());
        for (Job job : batch) {
            job.context.removeListener(job);
            if (job.context.isCancelled()) {
                drop(job);
            } else {
                live.add(job);
            }
        }
        if (live.isEmpty()) {
            return;
        }
        if (!runAndComplete(live) && live.size() > 1) {
            for (Job job : live) {
                runAndComplete(List.of(job));
            }
        }
    }

    /**
     * Runs the jobs as one batch and completes them; false (nothing completed) if the run failed
     * for a merged batch, which the caller then retries one by one.
     */
    private boolean runAndComplete(List<Job> jobs) {
        List<I> inputs = new ArrayList<>(jobs.size());
        int items = 0;
        for (Job job : jobs) {
            inputs.add(job.input);
            items += job.size;
        }
        long start = System.nanoTime();
        List<O> outputs;
        try {
            outputs = runner.run(inputs);
            if (outputs.size() != jobs.size()) {
                throw new IllegalStateException(
                        name
                                + ": the runner returned "
                                + outputs.size()
                                + " outputs for "
                                + jobs.size()
                                + " inputs");
            }
        } catch (Throwable t) {
            // The worker must survive anything, and no caller may be left waiting.
            listener.batchRan(items, jobs.size(), System.nanoTime() - start);
            if (jobs.size() > 1) {
                return false;
            }
            jobs.get(0).result.completeExceptionally(t);
            return true;
        }
        listener.batchRan(items, jobs.size(), System.nanoTime() - start);
        answer(
                jobs,
                () -> {
                    for (int i = 0; i < jobs.size(); i++) {
                        // Reading an output may split it off the run's merged output.
                        try {
                            jobs.get(i).result.complete(outputs.get(i));
                        } catch (RuntimeException e) {
                            jobs.get(i).result.completeExceptionally(e);
                        }
                    }
                });
        return true;
    }

    /**
     * Completes the callers of a run: one caller here, at once (answering one request takes
     * microseconds, and a lone caller saves a thread hand-off); several on the completions
     * executor, while this worker goes on to its next batch.
     */
    private void answer(List<Job> jobs, Runnable task) {
        if (jobs.size() == 1) {
            task.run();
        } else {
            complete(task);
        }
    }

    /** Runs {@code task} on the completions executor, or here if it refuses (shut down). */
    private void complete(Runnable task) {
        try {
            completions.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /**
     * Refuses new requests, lets the workers finish every queued one, then stops them. Idempotent;
     * safe to call from a completion callback on a worker itself (it then does not wait).
     */
    @Override
    public void close() {
        queue.close();
        boolean interrupted = false;
        for (Thread worker : workers) {
            while (worker != Thread.currentThread() && worker.isAlive()) {
                try {
                    worker.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "DynamicBatcher[" + name + ", " + policy + "]";
    }
}
