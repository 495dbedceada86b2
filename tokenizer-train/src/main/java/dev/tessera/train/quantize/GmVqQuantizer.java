package dev.tessera.train.quantize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import dev.tessera.train.model.FloatTensor;
import dev.tessera.train.model.ParameterSet;
import dev.tessera.train.model.Scalars;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Gaussian-mixture vector quantization trained with the aggregated-posterior ELBO (docs/gmvq.md):
 * Gumbel-softmax samples of q(c|x) ∝ exp(−‖ẑ − μ_c‖² / 2σ_q²), adaptive-variance noise
 * around the chosen code, and KL(q̄_B ‖ uniform) to keep the whole codebook in use. No commitment
 * loss, EMA or dead-code reset.
 */
public final class GmVqQuantizer implements Quantizer {

    public static final String CODEBOOK = "quantizer.codebook";

    /** log σ_q², [1]: a buffer, or a trainable parameter when σ_q² is learned. */
    public static final String LOG_POSTERIOR_VARIANCE = "quantizer.log_posterior_variance";

    private static final float LOG_EPS = 1e-12f;
    private static final int KMEANS_ITERATIONS = 5;

    /** A floor for an estimated σ_q², so that encoder outputs sitting on codes give finite logits. */
    private static final double MIN_VARIANCE = 1e-8;

    private final GmVqConfig config;
    private double posteriorVariance;

    public GmVqQuantizer(GmVqConfig config) {
        this.config = config;
        this.posteriorVariance = config.posteriorVariance();
    }

    /**
     * σ_q² at initialisation: the configured value, or the one estimated there; 0 before it. With a
     * learned σ_q², {@link #posteriorVariance(ParameterSet)} gives the current value.
     */
    public double posteriorVariance() {
        return posteriorVariance;
    }

    /**
     * σ_q² of the trained model, the posterior its tokens are read with: as the parameters hold it
     * (learned) or at the end of its schedule.
     */
    public double posteriorVariance(ParameterSet params) {
        return posteriorVariance(params, 1.0);
    }

    /** σ_q² at training progress {@code progress} ∈ [0, 1]. */
    public double posteriorVariance(ParameterSet params, double progress) {
        return startVariance(params) * config.posteriorVarianceScale(progress);
    }

    /** σ_q² as the stored log-variance holds it: the learned value, or the schedule's start. */
    private static double startVariance(ParameterSet params) {
        return Math.exp(params.get(LOG_POSTERIOR_VARIANCE).getFloat(0));
    }

    @Override
    public GmVqConfig config() {
        return config;
    }

    @Override
    public void restore(ParameterSet params) {
        posteriorVariance = startVariance(params);
    }

    @Override
    public Map<String, String> describe(ParameterSet params) {
        Map<String, String> m = new LinkedHashMap<>(config.describe());
        m.put("posterior_variance", String.valueOf((float) posteriorVariance(params)));
        return m;
    }

    @Override
    public void initParameters(ParameterSet params, float[] encoderRows, long seed) {
        KMeans kmeans = new KMeans(config.codebookSize(), KMEANS_ITERATIONS);
        float[] centres = kmeans.fit(encoderRows, config.codeDim(), seed);
        params.put(
                CODEBOOK,
                new FloatTensor(new long[] {config.codebookSize(), config.codeDim()}, centres));
        if (config.posteriorVariance() == 0) {
            int rows = encoderRows.length / config.codeDim();
            double meanDistance = kmeans.inertia(encoderRows, config.codeDim(), centres) / rows;
            posteriorVariance = Math.max(meanDistance / config.codeDim(), MIN_VARIANCE);
        }
        FloatTensor logVariance =
                new FloatTensor(new long[] {1}, new float[] {(float) Math.log(posteriorVariance)});
        if (config.learnPosteriorVariance()) {
            params.put(LOG_POSTERIOR_VARIANCE, logVariance);
        } else {
            params.putBuffer(LOG_POSTERIOR_VARIANCE, logVariance);
        }
        // Use σ_q² as the tensor holds it (float), so a run resumed from a checkpoint computes
        // bit-identical logits.
        restore(params);
    }

    @Override
    public boolean updatesAfterStep() {
        return config.posteriorVarianceMode() == PosteriorVarianceMode.TRACKED;
    }

    /**
     * With a tracked σ_q²: the maximum-likelihood variance of the mixture, re-estimated from this
     * step's encoder outputs and their nearest codes (the estimate initialisation makes once), for
     * the next step.
     */
    @Override
    public void afterStep(
            ParameterSet params, float[] rows, int[] tokens, SplittableRandom random) {
        float[] mu = codebook(params).toFloatArray();
        int l = config.codeDim();
        double sum = 0;
        for (int m = 0; m < tokens.length; m++) {
            for (int d = 0; d < l; d++) {
                double diff = rows[m * l + d] - mu[tokens[m] * l + d];
                sum += diff * diff;
            }
        }
        double variance = Math.max(sum / ((double) tokens.length * l), MIN_VARIANCE);
        params.assign(
                LOG_POSTERIOR_VARIANCE,
                new FloatTensor(new long[] {1}, new float[] {(float) Math.log(variance)}));
        restore(params);
    }

    @Override
    public double temperature(double progress) {
        return config.estimator().usesTemperature() ? config.temperature(progress) : Double.NaN;
    }

    @Override
    public NDArray codebook(ParameterSet params) {
        return params.get(CODEBOOK);
    }

    /**
     * The logits of q(c|x) [M, K] for rows ẑ [M, L]: (ẑ·μ_c − ‖μ_c‖²/2) / σ_q², which differ from
     * −‖ẑ − μ_c‖² / 2σ_q² by ‖ẑ‖²/2σ_q², the same for every code of a row, so q is unchanged and
     * the [M, K] distances are never formed. σ_q² is the one at training progress {@code progress}.
     */
    public NDArray logits(ParameterSet params, NDArray rows, double progress) {
        NDArray mu = codebook(params);
        NDArray precision = precision(params, rows, progress);
        NDArray halfNorms =
                mu.square().sum(new int[] {1}).mul(precision.mul(Scalars.like(rows, 0.5)));
        return rows.mul(precision).matMul(mu.transpose()).sub(halfNorms);
    }

    /** 1 / σ_q² as a scalar array: a constant, or differentiable in the learned log σ_q². */
    private NDArray precision(ParameterSet params, NDArray like, double progress) {
        if (config.learnPosteriorVariance()) {
            return params.get(LOG_POSTERIOR_VARIANCE).neg().exp();
        }
        if (!(posteriorVariance > 0)) {
            throw new IllegalStateException(
                    "posterior variance not set: initialise the quantizer first");
        }
        double variance = posteriorVariance * config.posteriorVarianceScale(progress);
        return Scalars.like(like, 1.0 / variance);
    }

    /** KL(q̄ ‖ uniform) = log K − H(q̄), q̄ the mean of q over rows [M, K]. */
    public static NDArray marginalKl(NDArray q) {
        NDArray mean = q.mean(new int[] {0});
        NDArray entropy = mean.mul(mean.add(Scalars.like(mean, LOG_EPS)).log()).sum().neg();
        return entropy.neg().add(Scalars.like(entropy, Math.log(q.getShape().get(1))));
    }

    /**
     * E_q ‖ẑ − μ_c‖² / L averaged over rows, as ‖ẑ‖² − 2 ẑ·(Σ_c q_c μ_c) + Σ_c q_c ‖μ_c‖²: one
     * product of q with [μ | ‖μ‖²] instead of an [M, K] distance matrix.
     */
    static NDArray expectedDistance(NDArray rows, NDArray q, NDArray mu) {
        long l = mu.getShape().get(1);
        NDArray norms = mu.square().sum(new int[] {1}, true);
        NDArray moments = q.matMul(mu.concat(norms, 1));
        NDArray meanCode = moments.get(":, :" + l);
        NDArray meanNorm = moments.get(":, " + l);
        NDArray perRow =
                rows.square()
                        .sum(new int[] {1})
                        .sub(rows.mul(meanCode).sum(new int[] {1}).mul(Scalars.like(rows, 2)))
                        .add(meanNorm);
        return perRow.mean().div(Scalars.like(rows, l));
    }

    @Override
    public QuantizerStep trainStep(ParameterSet params, NDArray zHat, double progress) {
        Shape shape = zHat.getShape();
        NDArray rows = Codebook.flattenPositions(zHat);
        NDArray mu = codebook(params);
        NDArray logits = logits(params, rows, progress);
        NDArray q = logits.softmax(1);
        NDArray z =
                config.estimator().usesTemperature()
                        ? relaxedSample(rows, mu, logits, progress)
                        : exactSample(rows, mu, q);

        NDArray expectedDistance = expectedDistance(rows, q, mu);
        NDArray kl = marginalKl(q);
        NDArray loss =
                expectedDistance
                        .mul(Scalars.like(q, config.gamma()))
                        .add(kl.mul(Scalars.like(q, config.beta())));
        Map<String, NDArray> terms = new LinkedHashMap<>();
        terms.put("distance", expectedDistance);
        terms.put("marginal_kl", kl);
        NDArray tokens = logits.stopGradient().argMax(1);
        return new QuantizerStep(
                Codebook.unflattenPositions(z, shape.get(0), shape.get(2), shape.get(3)),
                loss,
                terms,
                tokens);
    }

    /**
     * The paper's step: a Gumbel-softmax sample y of q, z = Σ_c y_c μ_c + sqrt(Σ_c y_c σ²_c) ε, so
     * that the gradient reaches q through the relaxation of y at temperature τ.
     */
    private NDArray relaxedSample(NDArray rows, NDArray mu, NDArray logits, double progress) {
        NDArray distances = Codebook.squaredDistances(rows, mu);
        NDArray sample = gumbelSoftmax(logits, config.temperature(progress));
        NDArray variance = sample.mul(distances).sum(new int[] {1}, true);
        return withNoise(sample.matMul(mu), variance);
    }

    /**
     * A code c drawn exactly from q (inverse CDF, one uniform per row) and z = μ_c + σ_c(x) ε. The
     * decoder's gradient reaches μ_c and, through σ_c(x), ẑ exactly (a reparameterised Gaussian);
     * the discrete choice gets the estimator's surrogate, which adds zero to the value of z.
     */
    private NDArray exactSample(NDArray rows, NDArray mu, NDArray q) {
        NDArray chosen = mu.get(new NDIndex("{}", sampleCodes(q)));
        NDArray variance = rows.sub(chosen).square().sum(new int[] {1}, true);
        NDArray surrogate =
                switch (config.estimator()) {
                    case POSTERIOR_MEAN -> q.matMul(mu.stopGradient());
                    case ENCODER_STRAIGHT_THROUGH -> rows;
                    default -> throw new IllegalStateException(config.estimator().flag());
                };
        return withNoise(chosen, variance).add(surrogate.sub(surrogate.stopGradient()));
    }

    /** Codes drawn from the rows of q [M, K]: the number of CDF entries below a uniform, [M]. */
    private NDArray sampleCodes(NDArray q) {
        NDArray p = q.stopGradient();
        NDArray uniform =
                p.getManager()
                        .randomUniform(
                                0f,
                                1f,
                                new Shape(p.getShape().get(0), 1),
                                p.getDataType(),
                                p.getDevice());
        NDArray below = p.cumSum(1).lt(uniform).sum(new int[] {1});
        // A uniform above the rounded last CDF entry would count all K codes.
        return below.clip(0, config.codebookSize() - 1);
    }

    /**
     * mean + sqrt(σ²_c(x)) ε with σ²_c(x) = ‖ẑ − μ_c‖² / (2σ²L), from the code's squared distance
     * [M, 1]: it vanishes as ẑ settles on its code.
     */
    private NDArray withNoise(NDArray mean, NDArray squaredDistance) {
        NDArray variance =
                squaredDistance.mul(
                        Scalars.like(
                                mean, 1.0 / (2.0 * config.noiseVariance() * config.codeDim())));
        NDArray noise =
                mean.getManager()
                        .randomNormal(0f, 1f, mean.getShape(), mean.getDataType(), mean.getDevice());
        return mean.add(variance.add(Scalars.like(mean, LOG_EPS)).sqrt().mul(noise));
    }

    private NDArray gumbelSoftmax(NDArray logits, double tau) {
        NDManager manager = logits.getManager();
        NDArray uniform =
                manager.randomUniform(
                        1e-6f,
                        1f - 1e-6f,
                        logits.getShape(),
                        logits.getDataType(),
                        logits.getDevice());
        NDArray gumbel = uniform.log().neg().log().neg();
        NDArray soft = logits.add(gumbel).div(Scalars.like(logits, tau)).softmax(1);
        if (config.estimator() == GradientEstimator.GUMBEL_SOFT) {
            return soft;
        }
        NDArray hard =
                soft.argMax(1).oneHot(config.codebookSize()).toType(soft.getDataType(), false);
        return hard.add(soft.sub(soft.stopGradient()));
    }
}
