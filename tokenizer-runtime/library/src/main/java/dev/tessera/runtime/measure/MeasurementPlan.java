package dev.tessera.runtime.measure;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How a throughput benchmark measures an operation, in the manner of JMH's time-boxed iterations: a
 * warm-up that is not recorded (JIT compilation, ONNX Runtime's and libtorch's first-run
 * allocations), then {@code repeats} measured windows. A window runs calls back to back until at
 * least {@code measureSeconds} have passed and ends with the call that crosses that time, so every
 * call it counts is whole and the window's rate is {@code calls × images per call / its length}.
 *
 * <p>Calls run one after another on the calling thread, as one pipeline stage makes them, and on no
 * other: engines that keep per-thread state (PyTorch's autograd switch) see the caller's.
 *
 * @param warmupSeconds unrecorded running time before the first window, ≥ 0
 * @param measureSeconds least length of one measured window, &gt; 0
 * @param repeats measured windows, ≥ 1
 */
public record MeasurementPlan(double warmupSeconds, double measureSeconds, int repeats) {

    /** One call of the operation under test. */
    @FunctionalInterface
    public interface Call {
        /** Runs the operation once. */
        void run() throws Exception;
    }

    /** Validates the durations and the number of repeats. */
    public MeasurementPlan {
        if (!(warmupSeconds >= 0) || Double.isInfinite(warmupSeconds)) {
            throw new IllegalArgumentException(
                    "--warmup-s: expected seconds ≥ 0, got " + warmupSeconds);
        }
        if (!(measureSeconds > 0) || Double.isInfinite(measureSeconds)) {
            throw new IllegalArgumentException(
                    "--measure-s: expected seconds > 0, got " + measureSeconds);
        }
        if (repeats < 1) {
            throw new IllegalArgumentException("--repeats: expected ≥ 1, got " + repeats);
        }
    }

    /**
     * Warms {@code call} up, then measures it in {@link #repeats} windows.
     *
     * @param imagesPerCall images one call handles
     * @throws Exception the first failure of the call: a benchmark with failed calls measures
     *     nothing
     */
    public Measurement measure(int imagesPerCall, Call call) throws Exception {
        return measureAlternating(imagesPerCall, List.of(call)).get(0);
    }

    /**
     * Measures calls that do the same work in different ways side by side: each is warmed up in
     * turn, then every repeat runs one window of each, in order, so that a drift of the machine
     * (another process, clock scaling) weighs on all of them alike, and window {@code r} of one can
     * be paired with window {@code r} of another.
     *
     * @return one measurement per call, in the order of {@code calls}
     * @throws Exception the first failure of a call
     */
    public List<Measurement> measureAlternating(int imagesPerCall, List<Call> calls)
            throws Exception {
        if (imagesPerCall < 1) {
            throw new IllegalArgumentException("images per call must be ≥ 1, got " + imagesPerCall);
        }
        for (Call call : calls) {
            warmUp(call);
        }
        double[][] rates = new double[calls.size()][repeats];
        List<LatencyLog> logs = new ArrayList<>();
        calls.forEach(c -> logs.add(new LatencyLog()));
        for (int r = 0; r < repeats; r++) {
            for (int i = 0; i < calls.size(); i++) {
                rates[i][r] = window(calls.get(i), logs.get(i), imagesPerCall);
            }
        }
        List<Measurement> measurements = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            measurements.add(new Measurement(imagesPerCall, rates[i], logs.get(i).latencies()));
        }
        return measurements;
    }

    private void warmUp(Call call) throws Exception {
        long deadline = System.nanoTime() + (long) (warmupSeconds * 1e9);
        while (System.nanoTime() < deadline) {
            call.run();
        }
    }

    /** Runs one window and returns its images per second. */
    private double window(Call call, LatencyLog log, int imagesPerCall) throws Exception {
        long start = System.nanoTime();
        long deadline = start + (long) (measureSeconds * 1e9);
        long calls = 0;
        long end;
        do {
            long t0 = System.nanoTime();
            call.run();
            end = System.nanoTime();
            log.add(end - t0);
            calls++;
        } while (end < deadline);
        return calls * (double) imagesPerCall / ((end - start) / 1e9);
    }

    /** A growing array of call latencies in nanoseconds. */
    private static final class LatencyLog {
        private long[] values = new long[1024];
        private int size;

        void add(long nanos) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = nanos;
        }

        long[] latencies() {
            return Arrays.copyOf(values, size);
        }
    }
}
