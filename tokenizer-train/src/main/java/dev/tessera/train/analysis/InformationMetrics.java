package dev.tessera.train.analysis;

/**
 * Rate and information of the codes of one split (docs/metrics.md).
 *
 * @param rateNats mean over positions of log K − E_x H(q(·|x,pos))
 * @param mutualInformationNats Σ over positions of H(q̄_pos) − E_x H(q(·|x,pos))
 * @param marginalKlNats log K − H(q̄), q̄ the posterior pooled over images and positions: the term
 *     the GM-VQ loss penalises
 * @param collapsedPositions positions whose mutual information is below {@link
 *     CodeInformation#COLLAPSE_NATS}
 * @param positionInformation the mutual information of each position, row-major over the grid
 * @param positionMarginalKl log K − H(q̄_pos) of each position: per position, rate = mutual
 *     information + this
 * @param grids how many token grids were measured
 */
public record InformationMetrics(
        double rateNats,
        double mutualInformationNats,
        double marginalKlNats,
        int collapsedPositions,
        double[] positionInformation,
        double[] positionMarginalKl,
        long grids) {

    public InformationMetrics {
        positionInformation = positionInformation.clone();
        positionMarginalKl = positionMarginalKl.clone();
    }

    @Override
    public double[] positionInformation() {
        return positionInformation.clone();
    }

    @Override
    public double[] positionMarginalKl() {
        return positionMarginalKl.clone();
    }
}
