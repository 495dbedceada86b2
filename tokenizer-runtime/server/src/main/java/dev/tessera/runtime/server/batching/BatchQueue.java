package dev.tessera.runtime.server.batching;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The bounded queue of a {@link DynamicBatcher} and how batches are formed from it: in arrival
 * order, by one worker at a time. A batch is taken as soon as
 *
 * <ul>
 *   <li>the queue holds a full batch ({@link BatchPolicy#maxBatch} items), or
 *   <li>another worker is idle as well: waiting would leave a model instance unused, or
 *   <li>its oldest request has waited {@link BatchPolicy#maxDelay} by the ticker's time;
 * </ul>
 *
 * so only the last free worker waits for a batch to fill. A batch takes at most its share of the
 * queue (the queued items divided by the workers, at least one request), so that a burst is spread
 * over every instance instead of running on one while the others idle.
 *
 * @param <E> a queued request
 */
final class BatchQueue<E extends BatchQueue.Entry> {

    /**
     * Longest single wait of the forming worker before it reads the ticker again, so that a ticker
     * advanced by hand (tests) is noticed within this time.
     */
    private static final long MAX_WAIT_NANOS = 10_000_000L;

    /** What the queue needs of a request. */
    abstract static class Entry {
        final int size;
        final long enqueuedNanos;
        boolean queued; // guarded by the queue's lock

        Entry(int size, long enqueuedNanos) {
            this.size = size;
            this.enqueuedNanos = enqueuedNanos;
        }
    }

    private final String name;
    private final BatchPolicy policy;
    private final LongSupplier ticker;
    private final int workers;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition(); // the forming worker waits here
    private final Condition turn = lock.newCondition(); // the other idle workers wait here
    private final ArrayDeque<E> queue = new ArrayDeque<>();
    private int queuedItems; // guarded by lock
    private boolean forming; // a worker is forming the next batch; guarded by lock
    private int idle; // workers in next(), the forming one included; guarded by lock
    private boolean closed; // guarded by lock

    BatchQueue(String name, BatchPolicy policy, LongSupplier ticker, int workers) {
        this.name = name;
        this.policy = policy;
        this.ticker = ticker;
        this.workers = workers;
    }

    /**
     * Appends a request.
     *
     * @throws QueueFullException if its items do not fit
     * @throws BatcherClosedException once closed
     */
    void add(E entry) {
        lock.lock();
        try {
            if (closed) {
                throw new BatcherClosedException(name);
            }
            if (queuedItems + entry.size > policy.queueCapacity()) {
                throw new QueueFullException(name, queuedItems, entry.size, policy.queueCapacity());
            }
            entry.queued = true;
            queue.addLast(entry);
            queuedItems += entry.size;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Removes a request that has not been taken into a batch; false if it has been. */
    boolean remove(E entry) {
        lock.lock();
        try {
            if (!entry.queued) {
                return false;
            }
            entry.queued = false;
            queue.remove(entry);
            queuedItems -= entry.size;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Items (images or grids) waiting. */
    int queuedItems() {
        lock.lock();
        try {
            return queuedItems;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next batch in arrival order, or null once closed and empty. One worker at a time forms a
     * batch; the others wait for their turn (and run their batches meanwhile).
     */
    List<E> next() {
        lock.lock();
        try {
            idle++;
            // A worker back from its run may be what the forming one waits for.
            changed.signal();
            while (forming && !(closed && queue.isEmpty())) {
                turn.awaitUninterruptibly();
            }
            forming = true;
            try {
                return form();
            } finally {
                forming = false;
                idle--;
                turn.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a batch is due (full, another worker idle too, or the oldest request's delay
     * over) and takes its share of the queue.
     */
    private List<E> form() {
        long maxDelay = policy.maxDelay().toNanos();
        while (true) {
            if (queue.isEmpty()) {
                if (closed) {
                    return null;
                }
                changed.awaitUninterruptibly();
                continue;
            }
            long wait = queue.peekFirst().enqueuedNanos + maxDelay - ticker.getAsLong();
            if (closed || queuedItems >= policy.maxBatch() || idle > 1 || wait <= 0) {
                break;
            }
            try {
                changed.awaitNanos(Math.min(wait, MAX_WAIT_NANOS));
            } catch (InterruptedException e) {
                // Nothing interrupts the batcher's own threads; close() is the way to stop them.
            }
        }
        int share = Math.min(policy.maxBatch(), (queuedItems + workers - 1) / workers);
        List<E> batch = new ArrayList<>();
        int items = 0;
        while (!queue.isEmpty() && (batch.isEmpty() || items + queue.peekFirst().size <= share)) {
            E entry = queue.pollFirst();
            entry.queued = false;
            queuedItems -= entry.size;
            items += entry.size;
            batch.add(entry);
        }
        return batch;
    }

    /** Refuses new requests; {@link #next()} hands out what is queued, then null. */
    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
            turn.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
