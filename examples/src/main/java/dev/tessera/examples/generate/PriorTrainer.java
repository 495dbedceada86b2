package dev.tessera.examples.generate;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import dev.tessera.train.api.AdamOptimizer;
import dev.tessera.train.api.Seeds;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Trains a {@link TransformerPrior} by next-token cross-entropy with Adam (warm-up, cosine decay).
 * Epochs are seeded permutations of the grids and the label dropout is seeded per step, so on the
 * CPU a run is repeatable.
 */
public final class PriorTrainer {

    private static final long ORDER_STREAM = 0x0DE5;
    private static final long LABEL_STREAM = 0x1AB;

    private final Consumer<String> log;

    public PriorTrainer(Consumer<String> log) {
        this.log = log;
    }

    /**
     * What a training run did.
     *
     * @param steps optimiser steps
     * @param seconds wall time
     * @param curve mean training loss (nats per token) of each logging window, by its last step
     */
    public record Run(int steps, double seconds, List<LossPoint> curve) {
        public Run {
            curve = List.copyOf(curve);
        }

        public double stepsPerSecond() {
            return steps / seconds;
        }

        /** Mean loss of the first logging window. */
        public double firstLoss() {
            return curve.get(0).loss();
        }

        /** Mean loss of the last logging window. */
        public double lastLoss() {
            return curve.get(curve.size() - 1).loss();
        }
    }

    /** Mean training loss over the window of steps ending at {@code step}. */
    public record LossPoint(int step, double loss) {}

    /** Trains {@code prior} on {@code data} for {@code prior.config().steps()} steps. */
    public Run train(TransformerPrior prior, TokenGrids data) {
        PriorConfig config = prior.config();
        int logEvery = Math.max(1, config.steps() / 40);
        AdamOptimizer adam = new AdamOptimizer(config.learningRate());
        List<LossPoint> curve = new ArrayList<>();
        double windowLoss = 0;
        int windowSteps = 0;
        BatchOrder batches = new BatchOrder(prior, data);
        long start = System.nanoTime();
        for (int step = 1; step <= config.steps(); step++) {
            double loss = step(prior, adam, batches.batch(step), config.learningRateAt(step));
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException(
                        "training diverged at step " + step + " (loss " + loss + "); lower --lr");
            }
            windowLoss += loss;
            windowSteps++;
            if (step % logEvery == 0 || step == config.steps()) {
                curve.add(new LossPoint(step, windowLoss / windowSteps));
                progress(step, config, windowLoss / windowSteps, start);
                windowLoss = 0;
                windowSteps = 0;
            }
        }
        return new Run(config.steps(), (System.nanoTime() - start) / 1e9, curve);
    }

    private static double step(
            TransformerPrior prior, AdamOptimizer adam, SequenceBatch batch, double learningRate) {
        try (NDManager session = prior.session()) {
            adam.state().forEach(a -> a.tempAttach(session));
            float loss;
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray mean =
                        SequenceBatch.negativeLogLikelihood(
                                        batch.logits(prior, session),
                                        batch.targetArray(session),
                                        prior.shape().codebookSize())
                                .mean();
                loss = mean.getFloat();
                collector.backward(mean);
            }
            adam.update(prior.parameters(), session, learningRate);
            return loss;
        }
    }

    /**
     * The grids of each step: consecutive slices of a seeded permutation of the grids, a new one
     * every epoch (a last, incomplete slice is skipped), and a seeded label dropout per step.
     */
    static final class BatchOrder {
        private final TransformerPrior prior;
        private final TokenGrids data;
        private final int size;
        private final int perEpoch;
        private int epoch = -1;
        private int[] order;

        BatchOrder(TransformerPrior prior, TokenGrids data) {
            this.prior = prior;
            this.data = data;
            this.size = Math.min(prior.config().batchSize(), data.count());
            this.perEpoch = data.count() / size;
        }

        SequenceBatch batch(int step) {
            PriorConfig config = prior.config();
            int stepEpoch = (step - 1) / perEpoch;
            if (stepEpoch != epoch) {
                epoch = stepEpoch;
                order = permutation(data.count(), Seeds.mix(config.seed(), ORDER_STREAM, epoch));
            }
            int slot = (step - 1) % perEpoch;
            int[] indices = Arrays.copyOfRange(order, slot * size, (slot + 1) * size);
            SplittableRandom labels =
                    new SplittableRandom(Seeds.mix(config.seed(), LABEL_STREAM, step));
            boolean[] keep = new boolean[size];
            for (int i = 0; i < size; i++) {
                keep[i] = labels.nextDouble() >= config.labelDropout();
            }
            return SequenceBatch.of(data, prior.shape(), indices, keep);
        }

        private static int[] permutation(int n, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            return order;
        }
    }

    private void progress(int step, PriorConfig config, double loss, long start) {
        double elapsed = (System.nanoTime() - start) / 1e9;
        double rate = step / elapsed;
        long eta = Math.round((config.steps() - step) / rate);
        log.accept(
                String.format(
                        "step %d/%d  loss %.4f nats/token  lr %.2e  %.2f steps/s  ETA %dm%02ds",
                        step,
                        config.steps(),
                        loss,
                        config.learningRateAt(step),
                        rate,
                        eta / 60,
                        eta % 60));
    }
}
