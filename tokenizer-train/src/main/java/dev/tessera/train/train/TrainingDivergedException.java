package dev.tessera.train.train;

/** The loss became NaN or infinite; training stops rather than export a broken model. */
public final class TrainingDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(int step, String terms) {
        super(
                "training diverged at step "
                        + step
                        + ": the loss is not finite ("
                        + terms
                        + "); lower the learning rate (--lr) or change the seed");
    }
}
