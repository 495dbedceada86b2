package dev.tessera.runtime.bench;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.measure.MeasurementPlan;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.onnx.TokenizerOptions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The library's throughput on this machine over a grid of settings: for each engine setting
 * (intra-op threads, spinning, instances) a tokenizer is opened, and each operation and batch size
 * is measured with as many closed-loop callers as instances, each calling {@link Tokenizer#encode}
 * or {@link Tokenizer#decode} on seeded random images of the model's shape (and for decoding the
 * tokens the model gives them: the cost of a run does not depend on the values).
 */
final class LibrarySweep {

    /**
     * How a tokenizer is opened for a part of the sweep.
     *
     * @param threads intra-op threads per run; 0 for ONNX Runtime's choice
     * @param spinWait whether idle intra-op threads spin
     * @param instances sessions, and callers, at once
     */
    record Engine(int threads, boolean spinWait, int instances) {

        TokenizerOptions options(boolean cuda) {
            return TokenizerOptions.defaults()
                    .withCuda(cuda)
                    .withIntraOpThreads(threads)
                    .withSpinWait(spinWait)
                    .withInstances(instances);
        }

        /** E.g. {@code 4} or {@code 4, no spin}; {@code default} for ONNX Runtime's choice. */
        String threadsLabel() {
            String t = threads == 0 ? "default" : String.valueOf(threads);
            return threads == 1 || spinWait ? t : t + ", no spin";
        }
    }

    /**
     * One measured point.
     *
     * @param op {@code encode} or {@code decode}
     * @param batch images or grids per call
     */
    record Point(String op, Engine engine, int batch, LoadWindows.Result result) {

        double imagesPerSecond() {
            return result.itemsPerSecond().mean();
        }
    }

    /**
     * What to sweep.
     *
     * @param ops {@code encode} and/or {@code decode}
     * @param engines settings to open the model with
     * @param batches batch sizes
     * @param timing warm-up and measured windows of each point
     */
    record Plan(
            Path model,
            boolean cuda,
            List<String> ops,
            List<Engine> engines,
            List<Integer> batches,
            MeasurementPlan timing,
            long seed) {}

    private LibrarySweep() {}

    /**
     * The engine settings for {@code threads} × {@code instances}: every thread count above 1 both
     * with and without spinning when {@code bothSpins}, else as ONNX Runtime's default (spinning).
     */
    static List<Engine> engines(List<Integer> threads, List<Integer> instances, boolean bothSpins) {
        List<Engine> engines = new ArrayList<>();
        for (int n : instances) {
            for (int t : threads) {
                engines.add(new Engine(t, true, n));
                if (bothSpins && t != 1) {
                    engines.add(new Engine(t, false, n));
                }
            }
        }
        return engines;
    }

    /** Powers of two up to {@code cores}, and {@code cores}. */
    static List<Integer> threadCounts(int cores) {
        List<Integer> counts = new ArrayList<>();
        for (int t = 1; t < cores; t *= 2) {
            counts.add(t);
        }
        counts.add(cores);
        return counts;
    }

    /**
     * Measures every point, in the order engines × ops × batches.
     *
     * @param measured hears each point as it is measured (for progress output)
     * @throws Exception the first failure of a call, or the model cannot be opened
     */
    static List<Point> run(Plan plan, Consumer<Point> measured) throws Exception {
        List<Point> points = new ArrayList<>();
        for (Engine engine : plan.engines()) {
            try (Tokenizer tokenizer =
                    SweepOptions.open(plan.model(), engine.options(plan.cuda()))) {
                ImageBatch pool = images(tokenizer, Collections.max(plan.batches()), plan.seed());
                for (String op : plan.ops()) {
                    for (int batch : plan.batches()) {
                        Point p = measure(plan, tokenizer, engine, op, pool.slice(0, batch));
                        points.add(p);
                        measured.accept(p);
                    }
                }
            }
        }
        return points;
    }

    private static Point measure(
            Plan plan, Tokenizer tokenizer, Engine engine, String op, ImageBatch images)
            throws Exception {
        ClosedLoopLoad.Call call;
        if (op.equals("encode")) {
            call = (caller, i) -> tokenizer.encode(images);
        } else {
            TokenBatch tokens = tokenizer.encode(images);
            call = (caller, i) -> tokenizer.decode(tokens);
        }
        LoadWindows.Result r =
                ClosedLoopLoad.run(engine.instances(), images.count(), plan.timing(), call);
        return new Point(op, engine, images.count(), r);
    }

    /** The point of {@code op} with the most images per second. */
    static Point best(List<Point> points, String op) {
        return points.stream()
                .filter(p -> p.op().equals(op))
                .max(Comparator.comparingDouble(Point::imagesPerSecond))
                .orElseThrow();
    }

    /** The point of {@code op} at batch 1 with the lowest p99 latency, or null if none. */
    static Point fastestSingle(List<Point> points, String op) {
        return points.stream()
                .filter(p -> p.op().equals(op) && p.batch() == 1)
                .min(Comparator.comparingDouble(p -> p.result().quantileMillis(0.99)))
                .orElse(null);
    }

    /** {@code count} seeded random images of the model's shape. */
    static ImageBatch images(Tokenizer t, int count, long seed) {
        byte[] pixels = new byte[count * t.channels() * t.imageHeight() * t.imageWidth()];
        new Random(seed).nextBytes(pixels);
        return new ImageBatch(count, t.channels(), t.imageHeight(), t.imageWidth(), pixels);
    }

    static String millis(double ms) {
        return String.format(Locale.ROOT, ms >= 10 ? "%.1f" : "%.3f", ms);
    }
}
