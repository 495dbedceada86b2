package dev.tessera.runtime.testing;

import io.grpc.Deadline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A clock that only a test moves, and the timer that runs on it: code under test schedules its
 * waits here (the drain timeout, the repository's polling, gRPC's deadlines and retry waits) and
 * the test {@link #advance advances} time, which runs every task that falls due, in order, on the
 * test's thread. Nothing runs by itself, so a test never sleeps and never depends on how fast the
 * machine is. Thread-safe.
 *
 * <p>{@link #execute} and a zero delay mean "at the next advance", never "now on the caller's
 * thread": code that schedules while holding a lock is not re-entered.
 */
public final class ManualClock extends AbstractExecutorService implements ScheduledExecutorService {

    /** How long {@link #awaitPending} waits for other threads to schedule, in real time. */
    private static final long AWAIT_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final PriorityQueue<Task<?>> tasks = new PriorityQueue<>(); // guarded by this
    private long now; // guarded by this
    private long sequence; // guarded by this
    private boolean shutdown; // guarded by this

    /** Time since this clock was made. */
    public synchronized Duration elapsed() {
        return Duration.ofNanos(now);
    }

    /** The clock's reading in nanoseconds, like {@link System#nanoTime()}. */
    public synchronized long nanoTime() {
        return now;
    }

    /** This clock as gRPC's deadline ticker. */
    public Deadline.Ticker ticker() {
        return new Deadline.Ticker() {
            @Override
            public long nanoTime() {
                return ManualClock.this.nanoTime();
            }
        };
    }

    /**
     * Moves the clock forward by {@code step}, running each task that falls due on the way (and
     * those they schedule within the step) at its own time, on the calling thread.
     */
    public void advance(Duration step) {
        if (step.isNegative()) {
            throw new IllegalArgumentException("step: expected ≥ 0, got " + step);
        }
        long target;
        synchronized (this) {
            target = now + step.toNanos();
        }
        while (true) {
            Task<?> next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.due > target) {
                    now = target;
                    notifyAll();
                    return;
                }
                tasks.poll();
                now = Math.max(now, next.due);
            }
            next.run();
        }
    }

    /** Advances to the earliest pending task and runs it (with any others due then). */
    public void advanceToNext() {
        Duration next = pending().stream().findFirst().orElseThrow(
                () -> new AssertionError("no task is waiting on the clock"));
        advance(next);
    }

    /** The delays of the pending tasks from now, soonest first. */
    public synchronized List<Duration> pending() {
        List<Duration> delays = new ArrayList<>();
        for (Task<?> t : tasks) {
            delays.add(Duration.ofNanos(t.due - now));
        }
        Collections.sort(delays);
        return delays;
    }

    /**
     * Waits (in real time, for at most 30 s) until the pending delays satisfy {@code condition},
     * for tasks that other threads schedule; returns them.
     *
     * @throws AssertionError naming {@code what} if they never do
     */
    public List<Duration> awaitPending(Predicate<List<Duration>> condition, String what)
            throws InterruptedException {
        // Real time only bounds how long a broken test hangs; no assertion depends on it.
        long until = System.nanoTime() + AWAIT_LIMIT_NANOS;
        synchronized (this) {
            while (true) {
                List<Duration> delays = pending();
                if (condition.test(delays)) {
                    return delays;
                }
                long left = until - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("never scheduled: " + what + "; pending " + delays);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }

    /** Waits until a task is pending that falls due after exactly {@code delay} from now. */
    public void awaitTaskIn(Duration delay) throws InterruptedException {
        awaitPending(delays -> delays.contains(delay), "a task in " + delay);
    }

    private synchronized <V> Task<V> add(Task<V> task) {
        if (shutdown) {
            throw new RejectedExecutionException("the manual clock is shut down");
        }
        task.sequence = sequence++;
        tasks.add(task);
        notifyAll();
        return task;
    }

    private synchronized void remove(Task<?> task) {
        tasks.remove(task);
        notifyAll();
    }

    private synchronized long dueIn(long delay, TimeUnit unit) {
        return now + Math.max(0, unit.toNanos(delay));
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return add(new Task<Void>(Executors.callable(command, null), dueIn(delay, unit), 0));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return add(new Task<>(callable, dueIn(delay, unit), 0));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(
            Runnable command, long initialDelay, long period, TimeUnit unit) {
        return periodic(command, initialDelay, unit.toNanos(period), unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(
            Runnable command, long initialDelay, long delay, TimeUnit unit) {
        // Tasks take no clock time here, so a fixed delay and a fixed rate are the same.
        return periodic(command, initialDelay, unit.toNanos(delay), unit);
    }

    private ScheduledFuture<?> periodic(
            Runnable command, long initialDelay, long periodNanos, TimeUnit unit) {
        if (periodNanos <= 0) {
            throw new IllegalArgumentException("period: expected > 0, got " + periodNanos + " ns");
        }
        return add(
                new Task<Void>(
                        Executors.callable(command, null), dueIn(initialDelay, unit), periodNanos));
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> left = new ArrayList<>(tasks);
        tasks.clear();
        notifyAll();
        return left;
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown && tasks.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }

    /** A one-shot or periodic task; ordered by due time, then by when it was scheduled. */
    private final class Task<V> extends FutureTask<V> implements RunnableScheduledFuture<V> {
        long due;
        long sequence;
        final long period;

        Task(Callable<V> callable, long due, long period) {
            super(callable);
            this.due = due;
            this.period = period;
        }

        @Override
        public boolean isPeriodic() {
            return period > 0;
        }

        @Override
        public void run() {
            if (!isPeriodic()) {
                super.run();
            } else if (runAndReset()) {
                synchronized (ManualClock.this) {
                    due += period;
                }
                if (!isCancelled()) {
                    add(this);
                }
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            remove(this);
            return cancelled;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            synchronized (ManualClock.this) {
                return unit.convert(due - now, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public int compareTo(Delayed other) {
            Task<?> o = (Task<?>) other;
            int c = Long.compare(due, o.due);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }
}
