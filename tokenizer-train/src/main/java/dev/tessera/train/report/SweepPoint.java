package dev.tessera.train.report;

/**
 * One tokenizer of a sweep, as the sweep plots show it.
 *
 * @param series the curve it belongs to, e.g. {@code gmvq K=512}
 * @param beta the rate weight it was trained with (GM-VQ's β; the commitment weight for VQ)
 * @param trainInformation mutual information of the codes on the training split, nats
 * @param testInformation the same on the test split
 * @param trainMse distortion on the training split
 * @param testMse distortion on the test split
 * @param frechetPrior Fréchet distance of position-prior samples from the test images
 * @param collapsedPositions latent positions carrying under 0.01 nats
 */
public record SweepPoint(
        String series,
        double beta,
        double trainInformation,
        double testInformation,
        double trainMse,
        double testMse,
        double frechetPrior,
        int collapsedPositions) {

    public double generalizationGap() {
        return testMse - trainMse;
    }
}
