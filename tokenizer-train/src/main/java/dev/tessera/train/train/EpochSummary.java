package dev.tessera.train.train;

import java.util.Locale;
import java.util.Map;

/**
 * What one epoch did.
 *
 * @param epoch epochs done, from 1
 * @param epochs epochs in the run (the last one may be partial when a step budget is set)
 * @param step steps done
 * @param loss mean loss over the epoch's steps
 * @param mse mean reconstruction error over the epoch's steps
 * @param usage fraction of the K codes chosen at least once during the epoch
 * @param seconds wall time of the epoch
 * @param quantizer the quantizer's settings and learned scalars at the end of the epoch
 */
public record EpochSummary(
        int epoch,
        int epochs,
        int step,
        double loss,
        double mse,
        double usage,
        double seconds,
        Map<String, String> quantizer) {

    /** One line, e.g. {@code epoch 3/10 loss 0.0213 mse 0.0172 usage 0.98 41.2 s}. */
    public String format() {
        String variance = quantizer.get("posterior_variance");
        return String.format(
                Locale.ROOT,
                "epoch %d/%d  step %d  loss %.5f  mse %.5f  usage %.3f  %.1f s%s",
                epoch,
                epochs,
                step,
                loss,
                mse,
                usage,
                seconds,
                variance == null ? "" : "  sigma_q^2 " + variance);
    }
}
