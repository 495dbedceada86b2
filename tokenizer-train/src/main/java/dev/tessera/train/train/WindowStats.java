package dev.tessera.train.train;

import java.util.BitSet;

/** Running sums of loss, error and code usage over a stretch of training steps. */
final class WindowStats {

    private final BitSet used;
    private final int codebookSize;
    private double loss;
    private double mse;
    private int steps;

    WindowStats(int codebookSize) {
        this.codebookSize = codebookSize;
        this.used = new BitSet(codebookSize);
    }

    /** The steps of {@code window}: their losses, errors and the codes they chose. */
    void add(StepStats.Window window) {
        for (int i = 0; i < window.size(); i++) {
            loss += window.loss(i);
            mse += window.mse(i);
            steps++;
        }
        used.or(window.used());
    }

    double meanLoss() {
        return steps == 0 ? Double.NaN : loss / steps;
    }

    double meanMse() {
        return steps == 0 ? Double.NaN : mse / steps;
    }

    double usage() {
        return used.cardinality() / (double) codebookSize;
    }

    /** A progress report at {@code step}, {@code elapsed} seconds of training in. */
    TrainingProgress report(
            int step, int totalSteps, double temperature, double elapsed, double variance) {
        return new TrainingProgress(
                step, totalSteps, meanLoss(), meanMse(), usage(), temperature, elapsed, variance);
    }

    void reset() {
        used.clear();
        loss = 0;
        mse = 0;
        steps = 0;
    }
}
