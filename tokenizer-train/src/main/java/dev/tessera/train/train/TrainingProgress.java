package dev.tessera.train.train;

import java.util.Locale;

/**
 * A progress report during training.
 *
 * @param step steps done
 * @param steps steps in the run
 * @param loss mean loss over the steps since the previous report
 * @param mse mean reconstruction error (pixels in [0, 1]) over the same steps
 * @param usage fraction of the K codes chosen at least once over the same steps
 * @param temperature current Gumbel-softmax temperature
 * @param elapsedSeconds time since training started
 * @param posteriorVariance GM-VQ's σ_q² at this step; NaN for other quantizers
 */
public record TrainingProgress(
        int step,
        int steps,
        double loss,
        double mse,
        double usage,
        double temperature,
        double elapsedSeconds,
        double posteriorVariance) {

    /** A report without a posterior variance (quantizers other than GM-VQ). */
    public TrainingProgress(
            int step,
            int steps,
            double loss,
            double mse,
            double usage,
            double temperature,
            double elapsedSeconds) {
        this(step, steps, loss, mse, usage, temperature, elapsedSeconds, Double.NaN);
    }

    public double stepsPerSecond() {
        return elapsedSeconds > 0 ? step / elapsedSeconds : 0;
    }

    public double etaSeconds() {
        double rate = stepsPerSecond();
        return rate > 0 ? (steps - step) / rate : Double.NaN;
    }

    /**
     * One line for a terminal, e.g. {@code step 400/1500 loss 0.0213 mse 0.0172 usage 0.97 ...},
     * with the temperature and σ_q² only for quantizers that have them.
     */
    public String format() {
        int width = String.valueOf(steps).length();
        StringBuilder line =
                new StringBuilder(
                        String.format(
                                Locale.ROOT,
                                "step %" + width + "d/%d  loss %.4f  mse %.4f  usage %.2f",
                                step,
                                steps,
                                loss,
                                mse,
                                usage));
        if (Double.isFinite(temperature)) {
            line.append(String.format(Locale.ROOT, "  tau %.3f", temperature));
        }
        if (Double.isFinite(posteriorVariance)) {
            line.append(String.format(Locale.ROOT, "  sigma_q^2 %.3g", posteriorVariance));
        }
        line.append(
                String.format(
                        Locale.ROOT,
                        "  %.1f steps/s  ETA %s",
                        stepsPerSecond(),
                        formatDuration(etaSeconds())));
        return line.toString();
    }

    static String formatDuration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 60
                ? (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s"
                : s + "s";
    }
}
