package dev.tessera.train.cli;

import ai.djl.Device;

import dev.tessera.cli.CommandLines;
import dev.tessera.cli.CommonOptions;
import dev.tessera.cli.IntRange;
import dev.tessera.runtime.measure.MeanStd;
import dev.tessera.train.data.DataSplits;
import dev.tessera.train.data.Datasets;
import dev.tessera.train.model.TokenizerNetwork;
import dev.tessera.train.pipeline.TrainOptions;
import dev.tessera.train.train.DeviceSelection;
import dev.tessera.train.train.TokenizerTrainer;
import dev.tessera.train.train.TrainConfig;
import dev.tessera.train.train.TrainedTokenizer;
import dev.tessera.train.train.TrainingProgress;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Training-step time of several quantizers with the same network, data and batch (a runnable
 * command, not a test). Each round trains every quantizer for a few steps in turn, so that the load
 * of a shared machine weighs on all of them alike; a round's time per step is taken between the
 * progress reports after the warm-up steps and at the last step, leaving out the codebook
 * initialisation. Prints, per quantizer, wall-clock and process CPU milliseconds per step and their
 * ratios to the first quantizer's, taken round by round. On a loaded machine the CPU time is the
 * steadier figure: with one PyTorch thread it is the work a step does, whatever else runs.
 *
 * <p>{@code tessera bench-quantizer-step --help} lists the options.
 */
@Command(
        name = "bench-quantizer-step",
        sortOptions = false,
        synopsisHeading = "",
        customSynopsis = {
            "usage: tessera bench-quantizer-step --data PATH [--quantizers vq-ema,gmvq,gmvq:gumbel]"
                    + " [--rounds 5] [--steps 40] [--warmup-steps 10] [train options]",
            ""
        },
        description = {
            "Training-step time of several quantizers with the same network, data and batch.",
            "",
            "Each round trains every quantizer for --steps steps in turn (gmvq:ESTIMATOR names a"
                    + " GM-VQ gradient estimator); a round's time per step is taken after the"
                    + " first --warmup-steps steps, which here are untimed steps, not the"
                    + " optimiser's warm-up. Prints wall-clock and process CPU milliseconds per"
                    + " step and their ratios to the first quantizer's, round by round. Every other"
                    + " train option applies to every run.",
            ""
        })
final class QuantizerStepBenchmark implements Callable<Integer> {

    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private final PrintStream out;

    @Spec private CommandSpec spec;

    @Option(
            names = "--quantizers",
            paramLabel = "Q",
            split = ",",
            description = "quantizers to time, the first the reference (default vq-ema,gmvq)")
    private List<String> quantizers = List.of("vq-ema", "gmvq");

    @Option(
            names = "--rounds",
            paramLabel = "N",
            description = "rounds over every quantizer (default ${DEFAULT-VALUE})")
    @IntRange(min = 1)
    private int rounds = 5;

    @Mixin private TrainSettings settings;

    @Mixin private CommonOptions common;

    QuantizerStepBenchmark(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws IOException {
        Map<String, String> base = TrainSettings.given(spec);
        // Here --warmup-steps counts the untimed steps; the optimiser keeps its own warm-up.
        int warmup = Integer.parseInt(base.getOrDefault("warmup-steps", "10"));
        base.remove("warmup-steps");
        int steps = Integer.parseInt(base.getOrDefault("steps", "40"));
        if (steps <= warmup + 1) {
            throw CommandLines.usageError(spec, "need --steps > --warmup-steps + 1");
        }
        Map<String, TrainOptions> options = new LinkedHashMap<>();
        for (String q : quantizers) {
            Map<String, String> run = new LinkedHashMap<>(base);
            // "gmvq:posterior-mean" names a GM-VQ estimator, so that estimators can be timed side
            // by side.
            String[] kind = q.trim().split(":", 2);
            run.put("quantizer", kind[0]);
            if (kind.length == 2) {
                run.put("estimator", kind[1]);
            }
            run.put("out", "unused");
            run.put("steps", String.valueOf(steps));
            options.put(q.trim(), TrainSettings.parse(run, spec, "bench").options(spec, run));
        }
        TrainOptions first = options.values().iterator().next();
        DataSplits data = Datasets.open(first.data(), first.dataOptions());
        Device device = DeviceSelection.select(first.device(), out::println);
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
        print("wall-clock", wall);
        print("process CPU", cpu);
        return 0;
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

    private void print(String what, Map<String, double[]> millis) {
        String reference = millis.keySet().iterator().next();
        double[] base = millis.get(reference);
        out.printf(
                Locale.ROOT, "%n| quantizer | %s ms per step | ratio to %s |%n", what, reference);
        out.println("|---|---|---|");
        millis.forEach(
                (q, ms) -> {
                    double[] ratio = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        ratio[r] = ms[r] / base[r];
                    }
                    out.printf(
                            Locale.ROOT,
                            "| %s | %s | %s |%n",
                            q,
                            MeanStd.of(ms).format(),
                            MeanStd.of(ratio).format());
                });
    }
}
