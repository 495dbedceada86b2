package dev.tessera.train.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where the time of a training step goes, phase by phase. At the end of each phase the profile
 * waits for the device to finish that phase's work (it reads one value of an array the phase
 * produced), so that queued GPU work is charged to the phase that queued it. The waits change the
 * timing they measure a little: a profiled run is slower than an unprofiled one, and the table
 * says where the time goes, not how fast training is.
 *
 * <p>{@link #off()} does nothing and costs nothing; it is what training uses unless asked.
 */
public final class StepProfile {

    private static final StepProfile OFF = new StepProfile(false);

    private final boolean enabled;
    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private long last;
    private long steps;
    private long arrays;

    private StepProfile(boolean enabled) {
        this.enabled = enabled;
    }

    /** A profile that does nothing. */
    public static StepProfile off() {
        return OFF;
    }

    /** A profile that times phases. */
    public static StepProfile on() {
        return new StepProfile(true);
    }

    public boolean enabled() {
        return enabled;
    }

    /** A step starts now. */
    void startStep() {
        if (enabled) {
            last = System.nanoTime();
        }
    }

    /**
     * Phase {@code phase} ended when the device finished computing {@code produced} (null: when
     * the host finished it).
     */
    void phase(String phase, NDArray produced) {
        lazyPhase(phase, () -> produced);
    }

    /** As {@link #phase(String, NDArray)}, the array made only when profiling. */
    void lazyPhase(String phase, Supplier<NDArray> produced) {
        if (!enabled) {
            return;
        }
        NDArray array = produced.get();
        if (array != null) {
            waitFor(array);
        }
        long now = System.nanoTime();
        nanos.merge(phase, now - last, Long::sum);
        last = now;
    }

    /** The step ended; {@code scratch} holds every array it created. */
    void endStep(NDManager scratch) {
        if (enabled) {
            steps++;
            arrays += scratch.getManagedArrays().size();
        }
    }

    /** Reading one value makes the host wait until the device has computed the array. */
    private static void waitFor(NDArray produced) {
        try (NDManager probe = produced.getManager().newSubManager()) {
            NDArray view = produced.stopGradient();
            view.attach(probe);
            NDArray flat = view.reshape(-1);
            flat.attach(probe);
            NDArray one = flat.get(0);
            one.attach(probe);
            one.toByteBuffer();
        }
    }

    /** Milliseconds per step by phase, in the order the phases ran. */
    public Map<String, Double> millisPerStep() {
        Map<String, Double> out = new LinkedHashMap<>();
        nanos.forEach((phase, n) -> out.put(phase, n / 1e6 / Math.max(1, steps)));
        return out;
    }

    /** Arrays (DJL operations with a result) created per step. */
    public double arraysPerStep() {
        return arrays / (double) Math.max(1, steps);
    }
    /** The profile as a Markdown table. */
    public String table() {
        Map<String, Double> ms = millisPerStep();
        double total = ms.values().stream().mapToDouble(Double::doubleValue).sum();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "profile of %d steps%n", steps));
        out.append("| phase | ms per step | share |\n|---|---:|---:|\n");
        ms.forEach(
                (phase, v) ->
                        out.append(
                                String.format(
                                        Locale.ROOT,
                                        "| %s | %.3f | %.1f%% |%n",
                                        phase,
                                        v,
                                        total > 0 ? 100 * v / total : 0)));
        out.append(String.format(Locale.ROOT, "| total | %.3f | 100%% |%n", total));
        out.append(
                String.format(
                        Locale.ROOT,
                        "arrays created per step (DJL operations with a result): %.0f%n",
                        arraysPerStep()));
        return out.toString();
    }
}
