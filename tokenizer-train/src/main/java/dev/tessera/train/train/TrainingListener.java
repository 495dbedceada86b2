package dev.tessera.train.train;

import java.nio.file.Path;

/** Receives what a training run reports as it goes; every method may be left out. */
public interface TrainingListener {

    /** A progress report, every few steps (the interval of {@link TrainConfig#logEvery}). */
    default void progress(TrainingProgress progress) {}

    /** The end of an epoch. */
    default void epoch(EpochSummary summary) {}

    /** A checkpoint was written after {@code step} steps. */
    default void checkpoint(Path dir, int step) {}
}
