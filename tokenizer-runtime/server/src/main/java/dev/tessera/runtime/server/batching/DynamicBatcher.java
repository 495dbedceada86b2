package dev.tessera.runtime.server.batching;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Status;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToIntFunction;

/**
 * Merges the requests of concurrent callers into model runs of up to {@link BatchPolicy#maxBatch}
 * items, waiting at most {@link BatchPolicy#maxDelay} after the oldest waiting request for others
 * to join it. One worker thread runs the batches in arrival order, so a request never overtakes an
 * earlier one.
 *
 * <p>The queue is bounded ({@link BatchPolicy#queueCapacity} items): a request that does not fit is
 * refused at once with {@link QueueFullException}. A request whose call is cancelled or whose
 * deadline passes while it waits leaves the queue at once and fails with that status; its work is
 * never run. When a merged run fails, each of its requests is run again on its own, so that one
 * request the model cannot handle does not fail the others. Owns its thread: {@link #close()}
 * finishes what is queued, then stops it.
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
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    private final Thread worker;
    private int queuedItems; // guarded by lock
    private boolean closed; // guarded by lock

    /** One request waiting for, or in, a model run. */
    private final class Job implements Context.CancellationListener {
        final I input;
        final int size;
        final Context context;
        final long enqueuedNanos = System.nanoTime();
        final CompletableFuture<O> result = new CompletableFuture<>();
        boolean queued = true; // guarded by lock

        Job(I input, int size, Context context) {
            this.input = input;
            this.size = size;
            this.context = context;
        }

        @Override
        public void cancelled(Context context) {
            dropIfQueued(this);
        }
    }

    private DynamicBatcher(
            String name,
            BatchPolicy policy,
            ToIntFunction<I> sizeOf,
            BatchRunner<I, O> runner,
            BatchListener listener) {
        this.name = Objects.requireNonNull(name, "name");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.sizeOf = Objects.requireNonNull(sizeOf, "sizeOf");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.worker = new Thread(this::work, "tessera-batcher " + name);
        worker.setDaemon(true);
    }

    /**
     * Creates a batcher and starts its worker thread.
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
        DynamicBatcher<I, O> batcher = new DynamicBatcher<>(name, policy, sizeOf, runner, listener);
        batcher.worker.start();
        return batcher;
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
        Job job = new Job(input, size, context);
        lock.lock();
        try {
            if (closed) {
                throw new BatcherClosedException(name);
            }
            if (queuedItems + size > policy.queueCapacity()) {
                throw new QueueFullException(name, queuedItems, size, policy.queueCapacity());
            }
            queue.addLast(job);
            queuedItems += size;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        // Runs at once if the context is already cancelled; a no-op for a context that cannot be.
        context.addListener(job, Runnable::run);
        return job.result;
    }

    /** Items (images or grids) waiting for a run. */
    public int queuedItems() {
        lock.lock();
        try {
            return queuedItems;
        } finally {
            lock.unlock();
        }
    }

    private void dropIfQueued(Job job) {
        lock.lock();
        try {
            if (!job.queued) {
                return;
            }
            job.queued = false;
            queue.remove(job);
            queuedItems -= job.size;
        } finally {
            lock.unlock();
        }
        drop(job);
    }

    private void drop(Job job) {
        Status status = Contexts.statusFromCancelled(job.context);
        if (status == null) {
            status = Status.CANCELLED.withDescription("the call was cancelled");
        }
        listener.dropped(status.getCode() == Status.Code.DEADLINE_EXCEEDED);
        job.result.completeExceptionally(
                status.augmentDescription("dropped by " + name + " before its turn")
                        .asRuntimeException());
    }

    private void work() {
        while (true) {
            List<Job> batch = next();
            if (batch == null) {
                return;
            }
            run(batch);
        }
    }

    /** The next batch in arrival order, or null once closed and empty. */
    private List<Job> next() {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (closed) {
                    return null;
                }
                changed.awaitUninterruptibly();
            }
            long due = queue.peekFirst().enqueuedNanos + policy.maxDelay().toNanos();
            while (!closed && !queue.isEmpty() && queuedItems < policy.maxBatch()) {
                long wait = due - System.nanoTime();
                if (wait <= 0) {
                    break;
                }
                try {
                    changed.awaitNanos(wait);
                } catch (InterruptedException e) {
                    // Only close() could interrupt, and it sets closed first: run what we have.
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            List<Job> batch = new ArrayList<>();
            int items = 0;
            while (!queue.isEmpty()
                    && (batch.isEmpty() || items + queue.peekFirst().size <= policy.maxBatch())) {
                Job job = queue.pollFirst();
                job.queued = false;
                queuedItems -= job.size;
                items += job.size;
                batch.add(job);
            }
            return batch;
        } finally {
            lock.unlock();
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
        for (int i = 0; i < jobs.size(); i++) {
            jobs.get(i).result.complete(outputs.get(i));
        }
        return true;
    }

    /**
     * Refuses new requests, lets the worker finish every queued one, then stops it. Idempotent;
     * safe to call from a completion callback on the worker thread itself (it then does not wait).
     */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() == worker) {
            return;
        }
        boolean interrupted = false;
        while (worker.isAlive()) {
            try {
                worker.join();
            } catch (InterruptedException e) {
                interrupted = true;
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
