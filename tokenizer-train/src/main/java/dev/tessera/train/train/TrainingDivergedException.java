package dev.tessera.train.train;

import java.nio.file.Path;

/** The loss became NaN or infinite; training stops rather than export a broken model. */
public final class TrainingDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int step;

    public TrainingDivergedException(int step, String terms) {
        this(step, terms, null);
    }

    /**
     * @param lastCheckpoint the checkpoint directory holding the last good state, or null when none
     *     was written
     */
    public TrainingDivergedException(int step, String terms, Path lastCheckpoint) {
        super(
                "training diverged at step "
                        + step
                        + ": the loss is not finite ("
                        + terms
                        + "); "
                        + (lastCheckpoint == null
                                ? "no checkpoint was written yet; "
                                : "the last good checkpoint is kept in "
                                        + lastCheckpoint
                                        + " (continue with --resume "
                                        + lastCheckpoint
                                        + " after changing the setting at fault); ")
                        + "lower the learning rate (--lr) or change the seed");
        this.step = step;
    }

    /** The step whose loss was not finite. */
    public int step() {
        return step;
    }
}
