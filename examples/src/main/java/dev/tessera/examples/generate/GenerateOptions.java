package dev.tessera.examples.generate;

import java.nio.file.Path;

/**
 * Options of {@code tessera generate}.
 *
 * @param model tokenizer directory opened in process; null when {@code server} is given
 * @param server {@code host:port} of a tessera server that encodes and decodes; null for in process
 * @param modelName model on the server; null for its only model
 * @param data data set to tokenize and train on ({@code --data} of {@code tessera train})
 * @param out output directory
 * @param priorDir a saved prior to sample from instead of training one; null to train
 * @param prior size and training of the prior
 * @param classConditional condition on the data's class labels
 * @param sampling temperature, top-k and seed of the draws
 * @param samples grids drawn from each prior for the Fréchet distances
 * @param trainLimit training images tokenized, 0 for all
 * @param testLimit test images used, 0 for all
 * @param device auto, cpu or gpu
 * @param threads PyTorch's intra-op threads on the CPU, 0 for its default
 */
public record GenerateOptions(
        Path model,
        String server,
        String modelName,
        String data,
        Path out,
        Path priorDir,
        PriorConfig prior,
        boolean classConditional,
        SamplingSettings sampling,
        int samples,
        int trainLimit,
        int testLimit,
        String device,
        int threads) {

    public GenerateOptions {
        if ((model == null) == (server == null)) {
            throw new IllegalArgumentException(
                    "give the tokenizer with --model DIR (in process) or --server HOST:PORT, not"
                            + " both");
        }
        if (samples < 10) {
            throw new IllegalArgumentException(
                    "--samples must be at least 10, one row of the sample sheet");
        }
        if (trainLimit < 0 || testLimit < 0) {
            throw new IllegalArgumentException(
                    "--train-images and --test-images must not be negative");
        }
    }
}
