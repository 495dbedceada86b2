package dev.tessera.train.train;

import java.util.ArrayList;
import java.util.List;

/** Progress reports of one run, in order, with its total wall time. */
public final class TrainingHistory {

    private final List<TrainingProgress> reports = new ArrayList<>();
    private double wallSeconds;
    private String device = "cpu()";

    void add(TrainingProgress progress) {
        reports.add(progress);
    }

    void finish(double seconds, String deviceName) {
        this.wallSeconds = seconds;
        this.device = deviceName;
    }

    public List<TrainingProgress> reports() {
        return List.copyOf(reports);
    }

    public double wallSeconds() {
        return wallSeconds;
    }

    public String device() {
        return device;
    }

    public int steps() {
        return reports.isEmpty() ? 0 : reports.get(reports.size() - 1).step();
    }
}
