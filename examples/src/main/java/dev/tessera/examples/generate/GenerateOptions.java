package dev.tessera.examples.generate;

import dev.tessera.train.cli.Flags;

import java.nio.file.Path;
import java.util.Set;

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

    static final String USAGE =
            String.join(
                    System.lineSeparator(),
                    "usage: tessera generate (--model DIR | --server HOST:PORT [--model-name NAME])"
                            + " --data PATH [options]",
                    "",
                    "Tokenizes a data set, trains a decoder-only transformer prior over the token"
                            + " grids, samples new",
                    "grids, decodes them, writes a PNG grid of samples and compares the samples'"
                            + " Frechet distance to",
                    "the test images with that of the independent-position prior.",
                    "",
                    "tokenizer and data:",
                    "  --model DIR          tokenizer directory, run in this process",
                    "  --server HOST:PORT   encode and decode on a tessera server instead",
                    "  --model-name NAME    model on the server (default: its only model)",
                    "  --data PATH          data set, as for tessera train (e.g. an MNIST"
                            + " directory)",
                    "  --train-images N     tokenize only the first N training images (default"
                            + " all)",
                    "  --test-images N      use only the first N test images (default all)",
                    "prior:",
                    "  --layers N --heads N --width N   transformer size (default 4, 4, 128)",
                    "  --steps N            training steps (default 2000)",
                    "  --batch-size N       grids per step (default 64)",
                    "  --lr LR              peak Adam learning rate (default 0.001)",
                    "  --class-conditional  condition on the data's class labels (first token)",
                    "  --label-dropout P    share of training grids shown without their label"
                            + " (default 0.1)",
                    "  --prior DIR          sample from a saved prior (OUT/prior of an earlier"
                            + " run) instead of training",
                    "  --device D           auto (default), cpu or gpu",
                    "  --threads N          PyTorch threads on the CPU (default: PyTorch's"
                            + " choice; 1 is faster",
                    "                       on a machine busy with other work)",
                    "sampling:",
                    "  --samples N          grids drawn from each prior (default 10000)",
                    "  --temperature T      default 1.0",
                    "  --top-k K            draw among the K most likely codes; 0 for all"
                            + " (default 0)",
                    "  --seed S             seed of weights, batches and draws, and of the hold-out"
                            + " split of data",
                    "                       without a split of its own, as in tessera train"
                            + " (default 7)",
                    "output:",
                    "  --out DIR            samples.png, independent.png, generation.json, prior/"
                            + " (default ./tessera-generate)",
                    "  --verbose            print stack traces with errors",
                    "");

    private static final Set<String> VALUED =
            Set.of(
                    "model",
                    "server",
                    "model-name",
                    "data",
                    "out",
                    "prior",
                    "layers",
                    "heads",
                    "width",
                    "steps",
                    "batch-size",
                    "lr",
                    "label-dropout",
                    "temperature",
                    "top-k",
                    "samples",
                    "seed",
                    "train-images",
                    "test-images",
                    "device",
                    "threads");
    private static final Set<String> SWITCHES = Set.of("help", "verbose", "class-conditional");

    /** Parsed options, or null when help was asked for. */
    public static GenerateOptions parse(String[] args) {
        Flags flags = Flags.parseCommandLine(args, VALUED, SWITCHES, "tessera generate --help");
        if (flags == null) {
            return null;
        }
        if (!flags.has("data")) {
            throw new Flags.UsageException("--data is required; see tessera generate --help");
        }
        PriorConfig d = PriorConfig.defaults();
        long seed = flags.longValue("seed", d.seed());
        PriorConfig prior =
                new PriorConfig(
                        flags.integer("layers", d.layers()),
                        flags.integer("heads", d.heads()),
                        flags.integer("width", d.width()),
                        flags.integer("steps", d.steps()),
                        flags.integer("batch-size", d.batchSize()),
                        flags.number("lr", d.learningRate()),
                        flags.number("label-dropout", d.labelDropout()),
                        seed);
        return new GenerateOptions(
                flags.has("model") ? Path.of(flags.string("model", null)) : null,
                flags.string("server", null),
                flags.string("model-name", null),
                flags.string("data", null),
                Path.of(flags.string("out", "tessera-generate")),
                flags.has("prior") ? Path.of(flags.string("prior", null)) : null,
                prior,
                flags.has("class-conditional"),
                new SamplingSettings(
                        flags.number("temperature", 1.0), flags.integer("top-k", 0), seed),
                flags.integer("samples", 10_000),
                flags.integer("train-images", 0),
                flags.integer("test-images", 0),
                flags.string("device", "auto"),
                flags.integer("threads", 0));
    }
}
