package dev.tessera.train.report;

import java.util.Map;

/**
 * One-line meanings of the evaluation metrics (docs/metrics.md), so that a report read months
 * later, or by someone outside the project, explains its own table.
 */
final class MetricGlossary {

    private static final Map<String, String> MEANINGS =
            Map.ofEntries(
                    Map.entry("mse", "mean squared pixel error, pixels in [0, 1]"),
                    Map.entry("psnr", "10·log10(1/mse), in dB; higher is better"),
                    Map.entry("perplexity", "exp(entropy) of the hard code frequencies"),
                    Map.entry("soft_perplexity", "exp(entropy) of the mean posterior q(c|x)"),
                    Map.entry(
                            "mean_max_posterior",
                            "mean of max_c q(c|x): how often a sampled code is the nearest"),
                    Map.entry("usage", "fraction of the K codes used at least once"),
                    Map.entry("dead_codes", "codes never used: K − used"),
                    Map.entry("generalization_gap", "test mse − train mse"),
                    Map.entry("rate_nats", "log K − mean posterior entropy, per position"),
                    Map.entry(
                            "mutual_information_nats",
                            "information the codes carry about the image, summed over positions"),
                    Map.entry("marginal_kl_nats", "KL of the aggregate code usage from uniform"),
                    Map.entry(
                            "collapsed_positions",
                            "latent positions with mutual information below 0.01 nats"),
                    Map.entry(
                            "reencode_consistency",
                            "fraction of tokens unchanged by encode(decode(tokens))"),
                    Map.entry(
                            "frechet_recon",
                            "Fréchet distance, the split's images vs their reconstructions"),
                    Map.entry(
                            "frechet_prior",
                            "Fréchet distance, test images vs decodes of sampled token grids"),
                    Map.entry(
                            "w2_gaussian_recon",
                            "√frechet_recon: W2 between Gaussian fits of images and"
                                    + " reconstructions"),
                    Map.entry(
                            "w2_coupling_bound",
                            "√(mean per-image squared error): W2 can never exceed it"),
                    Map.entry("posterior_variance", "GM-VQ's σ_q² at the end of training"),
                    Map.entry("images", "images measured"),
                    Map.entry("encoder_params", "trainable parameters of the encoder"),
                    Map.entry("decoder_params", "trainable parameters of the decoder"));

    private MetricGlossary() {}

    /** The meaning of a metric named as in {@code --json} output, or "" for an unknown name. */
    static String meaning(String name) {
        return MEANINGS.getOrDefault(name, "");
    }
}
