package dev.tessera.examples.generate;

import dev.tessera.cli.CommandLines;
import dev.tessera.cli.CommonOptions;
import dev.tessera.cli.IntRange;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code tessera generate}: its options, and the run ({@link Generate}). */
@Command(
        name = "generate",
        sortOptions = false,
        synopsisHeading = "",
        customSynopsis =
                "usage: tessera generate (--model DIR | --server HOST:PORT [--model-name NAME])"
                        + " --data PATH [options]%n",
        description = {
            "Trains a transformer prior over a tokenizer's token grids, samples and decodes new"
                + " images.",
            "",
            "Tokenizes a data set, trains a decoder-only transformer prior over the token grids,"
                    + " samples new grids, decodes them, writes a PNG grid of samples and compares"
                    + " the samples' Frechet distance to the test images with that of the"
                    + " independent-position prior.",
            ""
        })
public final class GenerateCommand implements Callable<Integer> {

    private static final PriorConfig DEFAULTS = PriorConfig.defaults();

    private final PrintStream out;

    @Spec private CommandSpec spec;

    @Option(
            names = "--model",
            paramLabel = "DIR",
            description = "tokenizer directory, run in this process")
    private Path model;

    @Option(
            names = "--server",
            paramLabel = "HOST:PORT",
            description = "encode and decode on a tessera server instead")
    private String server;

    @Option(
            names = "--model-name",
            paramLabel = "NAME",
            description = "model on the server (default: its only model)")
    private String modelName;

    @Option(
            names = "--data",
            paramLabel = "PATH",
            required = true,
            description = "data set, as for tessera train (e.g. an MNIST directory)")
    private String data;

    @Option(
            names = "--train-images",
            paramLabel = "N",
            description = "tokenize only the first N training images (default all)")
    @IntRange(min = 0)
    private int trainLimit;

    @Option(
            names = "--test-images",
            paramLabel = "N",
            description = "use only the first N test images (default all)")
    @IntRange(min = 0)
    private int testLimit;

    @Option(
            names = "--layers",
            paramLabel = "N",
            description = "transformer blocks (default ${DEFAULT-VALUE})")
    private int layers = DEFAULTS.layers();

    @Option(
            names = "--heads",
            paramLabel = "N",
            description =
                    "attention heads per block, a divisor of --width (default ${DEFAULT-VALUE})")
    private int heads = DEFAULTS.heads();

    @Option(
            names = "--width",
            paramLabel = "N",
            description = "model width (default ${DEFAULT-VALUE})")
    private int width = DEFAULTS.width();

    @Option(
            names = "--steps",
            paramLabel = "N",
            description = "training steps (default ${DEFAULT-VALUE})")
    private int steps = DEFAULTS.steps();

    @Option(
            names = "--batch-size",
            paramLabel = "N",
            description = "grids per step (default ${DEFAULT-VALUE})")
    private int batchSize = DEFAULTS.batchSize();

    @Option(
            names = "--lr",
            paramLabel = "LR",
            description = "peak Adam learning rate (default ${DEFAULT-VALUE})")
    private double learningRate = DEFAULTS.learningRate();

    @Option(
            names = "--class-conditional",
            description = "condition on the data's class labels (first token)")
    private boolean classConditional;

    @Option(
            names = "--label-dropout",
            paramLabel = "P",
            description =
                    "share of training grids shown without their label (default ${DEFAULT-VALUE})")
    private double labelDropout = DEFAULTS.labelDropout();

    @Option(
            names = "--prior",
            paramLabel = "DIR",
            description =
                    "sample from a saved prior (OUT/prior of an earlier run) instead of training")
    private Path priorDir;

    @Option(names = "--device", paramLabel = "D", description = "auto (default), cpu or gpu")
    private String device = "auto";

    @Option(
            names = "--threads",
            paramLabel = "N",
            description =
                    "PyTorch threads on the CPU (default: PyTorch's choice; 1 is faster on a"
                            + " machine busy with other work)")
    @IntRange(min = 0, max = 4096)
    private int threads;

    @Option(
            names = "--samples",
            paramLabel = "N",
            description = "grids drawn from each prior (default ${DEFAULT-VALUE})")
    private int samples = 10_000;

    @Option(names = "--temperature", paramLabel = "T", description = "default ${DEFAULT-VALUE}")
    private double temperature = 1.0;

    @Option(
            names = "--top-k",
            paramLabel = "K",
            description = "draw among the K most likely codes; 0 for all (default 0)")
    private int topK;

    @Option(
            names = "--seed",
            paramLabel = "S",
            description =
                    "seed of weights, batches and draws, and of the hold-out split of data without"
                            + " a split of its own, as in tessera train (default ${DEFAULT-VALUE})")
    private long seed = DEFAULTS.seed();

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description =
                    "samples.png, independent.png, generation.json, prior/ (default"
                            + " ./tessera-generate)")
    private Path dir = Path.of("tessera-generate");

    @Mixin private CommonOptions common;

    /**
     * @param out where the pipeline reports
     */
    public GenerateCommand(PrintStream out) {
        this.out = out;
    }

    /**
     * The options as parsed.
     *
     * @throws picocli.CommandLine.ParameterException naming the option if they do not fit together
     */
    GenerateOptions options() {
        try {
            return new GenerateOptions(
                    model,
                    server,
                    modelName,
                    data,
                    dir,
                    priorDir,
                    new PriorConfig(
                            layers,
                            heads,
                            width,
                            steps,
                            batchSize,
                            learningRate,
                            labelDropout,
                            seed),
                    classConditional,
                    new SamplingSettings(temperature, topK, seed),
                    samples,
                    trainLimit,
                    testLimit,
                    device,
                    threads);
        } catch (IllegalArgumentException e) {
            throw CommandLines.usageError(spec, e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        GenerateOptions options = options();
        if (threads > 0) {
            // Read once, when DJL starts the PyTorch engine: before anything touches it.
            System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        }
        Generate.run(options, out);
        return 0;
    }
}
