package dev.tessera.train.quantize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import dev.tessera.train.model.FloatTensor;
import dev.tessera.train.model.ParameterSet;
import dev.tessera.train.model.Scalars;

import java.util.LinkedHashMap;
import java.util.Map;

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

    /** σ_q² as the parameters hold it now. */
    public double posteriorVariance(ParameterSet params) {
        return Math.exp(params.get(LOG_POSTERIOR_VARIANCE).getFloat(0));
    }

    @Override
    public GmVqConfig config() {
        return config;
    }

    @Override
    public void restore(ParameterSet params) {
        posteriorVariance = posteriorVariance(params);
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
            posteriorVariance = Math.max(meanDistance / config.codeDim(), 1e-8);
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
    public double temperature(double progress) {
        return config.temperature(progress);
    }

    @Override
    public NDArray codebook(ParameterSet params) {
        return params.get(CODEBOOK);
    }

    /** log q(c|x) [M, K] from squared distances [M, K]. */
    public NDArray logPosterior(NDArray distances) {
        if (!(posteriorVariance > 0)) {
            throw new IllegalStateException(
                    "posterior variance not set: initialise the quantizer first");
        }
        return distances
                .mul(Scalars.like(distances, -1.0 / (2.0 * posteriorVariance)))
                .logSoftmax(1);
    }

    /** log q(c|x) with the learned σ_q² of {@code params}, differentiable in it. */
    private NDArray learnedLogPosterior(ParameterSet params, NDArray distances) {
        NDArray scale =
                params.get(LOG_POSTERIOR_VARIANCE).neg().exp().mul(Scalars.like(distances, -0.5));
        return distances.mul(scale).logSoftmax(1);
    }

    /** KL(q̄ ‖ uniform) = log K − H(q̄), q̄ the mean of q over rows [M, K]. */
    public static NDArray marginalKl(NDArray q) {
        NDArray mean = q.mean(new int[] {0});
        NDArray entropy = mean.mul(mean.add(Scalars.like(mean, LOG_EPS)).log()).sum().neg();
        return entropy.neg().add(Scalars.like(entropy, Math.log(q.getShape().get(1))));
    }

    @Override
    public QuantizerStep trainStep(ParameterSet params, NDArray zHat, double progress) {
        Shape shape = zHat.getShape();
        NDArray rows = Codebook.flattenPositions(zHat);
        NDArray mu = codebook(params);
        NDArray distances = Codebook.squaredDistances(rows, mu);
        NDArray logQ =
                config.learnPosteriorVariance()
                        ? learnedLogPosterior(params, distances)
                        : logPosterior(distances);
        NDArray q = logQ.exp();

        NDArray sample = gumbelSoftmax(logQ, config.temperature(progress));
        NDArray mean = sample.matMul(mu);
        // σ²_c(x) = d_c / (2σ²L), mixed by the sample: vanishes as ẑ settles on its code.
        NDArray variance =
                sample.mul(distances)
                        .sum(new int[] {1}, true)
                        .mul(
                                Scalars.like(
                                        distances,
                                        1.0 / (2.0 * config.noiseVariance() * config.codeDim())));
        NDManager manager = zHat.getManager();
        NDArray noise =
                manager.randomNormal(0f, 1f, mean.getShape(), mean.getDataType(), mean.getDevice());
        NDArray z = mean.add(variance.add(Scalars.like(variance, LOG_EPS)).sqrt().mul(noise));

        NDArray expectedDistance =
                q.mul(distances).sum(new int[] {1}).mean().div(Scalars.like(q, config.codeDim()));
        NDArray kl = marginalKl(q);
        NDArray loss =
                expectedDistance
                        .mul(Scalars.like(q, config.gamma()))
                        .add(kl.mul(Scalars.like(q, config.beta())));
        Map<String, NDArray> terms = new LinkedHashMap<>();
        terms.put("distance", expectedDistance);
        terms.put("marginal_kl", kl);
        NDArray tokens = distances.argMin(1);
        return new QuantizerStep(
                Codebook.unflattenPositions(z, shape.get(0), shape.get(2), shape.get(3)),
                loss,
                terms,
                tokens);
    }

    private NDArray gumbelSoftmax(NDArray logQ, double tau) {
        NDManager manager = logQ.getManager();
        NDArray uniform =
                manager.randomUniform(
                        1e-6f, 1f - 1e-6f, logQ.getShape(), logQ.getDataType(), logQ.getDevice());
        NDArray gumbel = uniform.log().neg().log().neg();
        NDArray soft = logQ.add(gumbel).div(Scalars.like(logQ, tau)).softmax(1);
        if (!config.straightThrough()) {
            return soft;
        }
        NDArray hard =
                soft.argMax(1).oneHot(config.codebookSize()).toType(soft.getDataType(), false);
        return hard.add(soft.sub(soft.stopGradient()));
    }
}
