package dev.tessera.runtime.bench;

import dev.tessera.runtime.measure.MeanStd;
import dev.tessera.runtime.measure.Measurement;
import dev.tessera.runtime.measure.MeasurementPlan;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a closed-loop load measures: a warm-up that is not recorded, then measured windows back to
 * back ({@link MeasurementPlan}: its repeats are the windows). Every call that ends inside a window
 * counts for that window's rate and gives its latency; the callers record their own calls ({@link
 * #record}) from any thread.
 */
final class LoadWindows {

    /**
     * What the windows measured.
     *
     * @param callers concurrent callers
     * @param itemsPerCall images (or grids) one call carries
     * @param windowRates items per second of each window
     * @param latenciesNanos every measured call's latency, sorted
     * @param seconds wall time of the windows together
     * @param cpuCores cores this process used meanwhile (CPU seconds per wall second)
     */
    record Result(
            int callers,
            int itemsPerCall,
            double[] windowRates,
            long[] latenciesNanos,
            double seconds,
            double cpuCores) {

        /** Several measurements of the same load as one: their windows and calls together. */
        static Result merge(List<Result> parts) {
            Result first = parts.get(0);
            double seconds = parts.stream().mapToDouble(Result::seconds).sum();
            double cpuSeconds = parts.stream().mapToDouble(r -> r.cpuCores() * r.seconds()).sum();
            long[] latencies =
                    parts.stream()
                            .flatMapToLong(r -> Arrays.stream(r.latenciesNanos()))
                            .sorted()
                            .toArray();
            double[] rates =
                    parts.stream().flatMapToDouble(r -> Arrays.stream(r.windowRates())).toArray();
            return new Result(
                    first.callers(),
                    first.itemsPerCall(),
                    rates,
                    latencies,
                    seconds,
                    cpuSeconds / seconds);
        }

        /** Items per second: mean and standard deviation over the windows. */
        MeanStd itemsPerSecond() {
            return MeanStd.of(windowRates);
        }

        /** Calls measured. */
        int calls() {
            return latenciesNanos.length;
        }

        /** The latency at quantile {@code q} (0..1), in milliseconds. */
        double quantileMillis(double q) {
            return Measurement.quantileMillis(latenciesNanos, q);
        }
    }

    private final int itemsPerCall;
    private final CallerLog[] logs;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean measuring;
    private long windowCalls; // guarded by this

    LoadWindows(int callers, int itemsPerCall) {
        this.itemsPerCall = itemsPerCall;
        this.logs = new CallerLog[callers];
        for (int c = 0; c < callers; c++) {
            logs[c] = new CallerLog();
        }
    }

    /** A call of {@code caller} that took {@code nanos} has ended. */
    void record(int caller, long nanos) {
        if (!measuring) {
            return;
        }
        logs[caller].add(nanos);
        synchronized (this) {
            windowCalls++;
        }
    }

    /** A call failed: the load ends, and {@link #measure} throws the first failure. */
    void fail(Throwable t) {
        failure.compareAndSet(null, t);
    }

    /** Whether a call has failed; the callers stop then. */
    boolean failed() {
        return failure.get() != null;
    }

    /**
     * Waits out the warm-up, then measures {@code windows} windows while the callers run.
     *
     * @param marks told when the windows start and end
     * @throws Exception the first failure of a call, checked between windows
     */
    Result measure(int callers, MeasurementPlan timing, Marks marks) throws Exception {
        Thread.sleep((long) (timing.warmupSeconds() * 1000));
        checkFailure();
        marks.started();
        int windows = timing.repeats();
        double windowSeconds = timing.measureSeconds();
        double[] rates = new double[windows];
        long cpuStart = ProcessCpu.nanos();
        long wallStart = System.nanoTime();
        for (int w = 0; w < windows; w++) {
            synchronized (this) {
                windowCalls = 0;
            }
            long start = System.nanoTime();
            measuring = true;
            Thread.sleep((long) (windowSeconds * 1000));
            measuring = false;
            long end = System.nanoTime();
            synchronized (this) {
                rates[w] = windowCalls * (double) itemsPerCall / ((end - start) / 1e9);
            }
            checkFailure();
        }
        long wall = System.nanoTime() - wallStart;
        double cores = (ProcessCpu.nanos() - cpuStart) / (double) wall;
        marks.ended();
        return new Result(callers, itemsPerCall, rates, latencies(), wall / 1e9, cores);
    }

    /** Every recorded latency, sorted; callers may still be recording (they stop later). */
    private long[] latencies() {
        return Arrays.stream(logs)
                .map(CallerLog::snapshot)
                .flatMapToLong(Arrays::stream)
                .sorted()
                .toArray();
    }

    /** One caller's latencies; its calls may end on different threads. */
    private static final class CallerLog {
        private long[] values = new long[64];
        private int count;

        synchronized void add(long nanos) {
            if (count == values.length) {
                values = Arrays.copyOf(values, count * 2);
            }
            values[count++] = nanos;
        }

        synchronized long[] snapshot() {
            return Arrays.copyOf(values, count);
        }
    }

    /** Hears when the measured windows start and when they end (e.g. to scrape the server). */
    interface Marks {
        /** Nothing to hear. */
        Marks NONE = new Marks() {};

        default void started() {}

        default void ended() {}
    }

    private void checkFailure() throws Exception {
        Throwable t = failure.get();
        if (t instanceof Exception e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException("a call failed: " + t, t);
        }
    }
}
