package dev.tessera.runtime.measure;

import java.util.Locale;

/**
 * The mean and the sample standard deviation of a few repeated measurements.
 *
 * @param mean arithmetic mean
 * @param std sample standard deviation (n − 1 in the denominator); 0 for a single value
 * @param count number of values
 */
public record MeanStd(double mean, double std, int count) {

    /**
     * @throws IllegalArgumentException if {@code values} is empty
     */
    public static MeanStd of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values to average");
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / values.length;
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        double std = values.length > 1 ? Math.sqrt(squares / (values.length - 1)) : 0;
        return new MeanStd(mean, std, values.length);
    }

    /**
     * {@code mean ± std}, both with as many decimals as the mean's size calls for: none from 100
     * up, one from 10, two below.
     */
    public String format() {
        double size = Math.abs(mean);
        int decimals = size >= 100 ? 0 : size >= 10 ? 1 : 2;
        return String.format(Locale.ROOT, "%." + decimals + "f ± %." + decimals + "f", mean, std);
    }
}
