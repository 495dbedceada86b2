package dev.tessera.train.bench;

import ai.djl.Device;

import dev.tessera.runtime.measure.MeanStd;
import dev.tessera.train.cli.Flags;
import dev.tessera.train.cli.TrainSettings;
import dev.tessera.train.data.DataSplits;
import dev.tessera.train.data.Datasets;
import dev.tessera.train.model.TokenizerNetwork;
import dev.tessera.train.pipeline.TrainOptions;
import dev.tessera.train.train.DeviceSelection;
import dev.tessera.train.train.TokenizerTrainer;
import dev.tessera.train.train.TrainConfig;
import dev.tessera.train.train.TrainedTokenizer;
import dev.tessera.train.train.TrainingProgress;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Training-step time of several quantizers with the same network, data and batch (a runnable
 * command, not a test). Each round trains every quantizer for a few steps in turn, so that the
 * load of a shared machine weighs on all of them alike; a round's time per step is taken between
 * the progress reports after the warm-up steps and at the last step, leaving out the codebook
 * initialisation. Prints, per quantizer, wall-clock and process CPU milliseconds per step and
 * their ratios to the first quantizer's, taken round by round. On a loaded machine the CPU time
 * is the steadier figure: with one PyTorch thread it is the work a step does, whatever else runs.
 *
 * <pre>
 * OMP_NUM_THREADS=1 java -Dai.djl.pytorch.num_threads=1 -cp "tokenizer-train/target/tokenizer-train-0.1.0-SNAPSHOT.jar:tokenizer-train/target/lib/*" \
 *   dev.tessera.train.bench.QuantizerStepBenchmark --data ../shared/data/mnist --codebook-size 512 \
 *   [--quantizers vq-ema,gmvq,gmvq:gumbel] [--rounds 5] [--steps 40] [--warmup-steps 10] [train options]
 * </pre>
 */
public final class QuantizerStepBenchmark {

    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private QuantizerStepBenchmark() {}

    public static void main(String[] args) throws Exception {
        Set<String> valued = new HashSet<>(TrainSettings.VALUED);
        valued.addAll(Set.of("quantizers", "rounds", "warmup-steps"));
        Flags flags = Flags.parse(args, valued, TrainSettings.SWITCHES);
        List<String> quantizers = List.of(flags.string("quantizers", "vq-ema,gmvq").split(","));
        int rounds = flags.integer("rounds", 5);
        int warmup = flags.integer("warmup-steps", 10);
        int steps = flags.integer("steps", 40);
        if (steps <= warmup + 1 || rounds < 1) {
            throw new IllegalArgumentException("need --steps > --warmup-steps + 1 and --rounds >= 1");
        }
        Map<String, TrainOptions> options = new LinkedHashMap<>();
        for (String q : quantizers) {
            Map<String, String> run = new HashMap<>(flags.values());
            run.keySet().removeAll(Set.of("quantizers", "rounds", "warmup-steps"));
            // "gmvq:posterior-mean" names a GM-VQ estimator, so that estimators can be timed side
            // by side.
            String[] kind = q.trim().split(":", 2);
            run.put("quantizer", kind[0]);
            if (kind.length == 2) {
                run.put("estimator", kind[1]);
            }
            run.put("out", "unused");
            run.put("steps", String.valueOf(steps));
            options.put(
                    q.trim(),
                    TrainSettings.options(
                            Flags.of(run, TrainSettings.VALUED, TrainSettings.SWITCHES, "bench")));
        }
        TrainOptions first = options.values().iterator().next();
        DataSplits data = Datasets.open(first.data(), first.dataOptions());
        Device device = DeviceSelection.select(first.device(), System.out::println);
        Map<String, double[]> wall = new LinkedHashMap<>();
        Map<String, double[]> cpu = new LinkedHashMap<>();
        for (String q : options.keySet()) {
            wall.put(q, new double[rounds]);
            cpu.put(q, new double[rounds]);
        }
        for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, TrainOptions> e : options.entrySet()) {
                double[] ms = stepMillis(e.getValue(), data, device, warmup, r);
                wall.get(e.getKey())[r] = ms[0];
                cpu.get(e.getKey())[r] = ms[1];
            }
        }
        print("wall-clock", wall, rounds);
        print("process CPU", cpu, rounds);
    }

    /**
     * Trains once and returns the mean wall-clock and process CPU milliseconds per step after the
     * warm-up.
     */
    private static double[] stepMillis(
            TrainOptions o, DataSplits data, Device device, int warmup, int round) {
        var train = data.train();
        var arch = o.architecture().forImages(train.channels(), train.height(), train.width());
        TrainConfig t = o.training();
        TrainConfig config =
                new TrainConfig(
                        t.steps(),
                        t.batchSize(),
                        t.optimizer(),
                        t.seed() + round,
                        t.initBatches(),
                        1);
        List<TrainingProgress> reports = new ArrayList<>();
        List<Long> cpuNanos = new ArrayList<>();
        TokenizerTrainer trainer =
                new TokenizerTrainer(
                        new TokenizerNetwork(arch),
                        o.quantizer().create(),
                        config,
                        device,
                        p -> {
                            reports.add(p);
                            cpuNanos.add(PROCESS.getProcessCpuTime());
                        });
        try (TrainedTokenizer ignored = trainer.train(train, null)) {
            int last = reports.size() - 1;
            int steps = reports.get(last).step() - reports.get(warmup - 1).step();
            double wall =
                    reports.get(last).elapsedSeconds() - reports.get(warmup - 1).elapsedSeconds();
            double cpu = (cpuNanos.get(last) - cpuNanos.get(warmup - 1)) / 1e9;
            return new double[] {1000 * wall / steps, 1000 * cpu / steps};
        }
    }

    private static void print(String what, Map<String, double[]> millis, int rounds) {
        String reference = millis.keySet().iterator().next();
        double[] base = millis.get(reference);
        System.out.printf(
                Locale.ROOT, "%n| quantizer | %s ms per step | ratio to %s |%n", what, reference);
        System.out.println("|---|---|---|");
        millis.forEach(
                (q, ms) -> {
                    double[] ratio = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        ratio[r] = ms[r] / base[r];
                    }
                    System.out.printf(
                            Locale.ROOT,
                            "| %s | %s | %s |%n",
                            q,
                            MeanStd.of(ms).format(),
                            MeanStd.of(ratio).format());
                });
    }
}
