package dev.tessera.runtime.measure;

import java.util.Arrays;

/**
 * What {@link MeasurementPlan} measured of one operation: the images per second of every measured
 * window and the latency of every measured call.
 */
public final class Measurement {

    private final int imagesPerCall;
    private final double[] windowImagesPerSecond;
    private final long[] latenciesNanos;

    /**
     * @param imagesPerCall images one call handles (its batch size)
     * @param windowImagesPerSecond images per second of each measured window, in order
     * @param latenciesNanos the latency of every measured call, in any order
     */
    Measurement(int imagesPerCall, double[] windowImagesPerSecond, long[] latenciesNanos) {
        this.imagesPerCall = imagesPerCall;
        this.windowImagesPerSecond = windowImagesPerSecond.clone();
        this.latenciesNanos = latenciesNanos.clone();
        Arrays.sort(this.latenciesNanos);
    }

    /** Images one call handles (its batch size). */
    public int imagesPerCall() {
        return imagesPerCall;
    }

    /** Calls measured, over all windows. */
    public int calls() {
        return latenciesNanos.length;
    }

    /** Images per second of each measured window, in the order they ran (a copy). */
    public double[] windowImagesPerSecond() {
        return windowImagesPerSecond.clone();
    }

    /** Images per second: mean and standard deviation over the windows. */
    public MeanStd imagesPerSecond() {
        return MeanStd.of(windowImagesPerSecond);
    }

    /** The per-call latency at quantile {@code q} (0..1) over all windows, in milliseconds. */
    public double latencyMillis(double q) {
        return quantileMillis(latenciesNanos, q);
    }

    /**
     * The value at quantile {@code q} (0..1) of sorted nanosecond latencies, in milliseconds: the
     * smallest value that at least a fraction {@code q} of them do not exceed; NaN when there are
     * none.
     */
    public static double quantileMillis(long[] sortedNanos, double q) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(i, sortedNanos.length - 1))] / 1e6;
    }
}
