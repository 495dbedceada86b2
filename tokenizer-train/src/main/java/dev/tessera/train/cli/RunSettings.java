package dev.tessera.train.cli;

import dev.tessera.cli.CommandLines;
import dev.tessera.train.train.OptimizerConfig;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The budget, optimiser, seed, device and checkpoints of a training run ({@code @Mixin}); part of
 * {@link TrainSettings}. The optimiser's defaults are {@link OptimizerConfig#defaults}'s.
 */
final class RunSettings {

    static final double DEFAULT_LR = 2e-3;

    private static final OptimizerConfig OPTIMIZER = OptimizerConfig.defaults(DEFAULT_LR);

    @Option(names = "--epochs", paramLabel = "N", description = "passes over the training split")
    Integer epochs;

    @Option(
            names = "--steps",
            paramLabel = "N",
            description =
                    "or a step budget (default "
                            + TrainSettings.DEFAULT_STEPS
                            + " when --epochs is not given)")
    Integer steps;

    @Option(
            names = "--batch-size",
            paramLabel = "B",
            description = "images per step (default ${DEFAULT-VALUE})")
    int batchSize = 64;

    @Option(
            names = "--lr",
            paramLabel = "LR",
            description = "peak AdamW learning rate (default ${DEFAULT-VALUE})")
    double learningRate = OPTIMIZER.learningRate();

    @Option(
            names = "--warmup-steps",
            paramLabel = "N",
            description =
                    "linear warm-up from 0 to the peak, then cosine decay (default"
                            + " ${DEFAULT-VALUE})")
    int warmupSteps = OPTIMIZER.warmupSteps();

    @Option(
            names = "--lr-floor",
            paramLabel = "F",
            description =
                    "learning rate at the last step, as a fraction of the peak (default"
                            + " ${DEFAULT-VALUE})")
    double floor = OPTIMIZER.floor();

    @Option(
            names = "--adam-betas",
            paramLabel = "B1,B2",
            description = "AdamW's moment decays (default ${DEFAULT-VALUE})")
    String adamBetas = OPTIMIZER.beta1() + "," + OPTIMIZER.beta2();

    @Option(
            names = "--weight-decay",
            paramLabel = "W",
            description = "decoupled, on convolution kernels only (default ${DEFAULT-VALUE})")
    double weightDecay = OPTIMIZER.weightDecay();

    @Option(
            names = "--clip-grad-norm",
            paramLabel = "C",
            description = "clip the global gradient norm to C; 0: off (default ${DEFAULT-VALUE})")
    double clipGradNorm = OPTIMIZER.clipGradNorm();

    @Option(
            names = "--seed",
            paramLabel = "S",
            description = "seed of weights, batches and noise (default ${DEFAULT-VALUE})")
    long seed = 7;

    @Option(
            names = "--device",
            paramLabel = "auto|cpu|gpu",
            description = "where to train (default auto: a GPU when DJL sees one)")
    String device = "auto";

    @Option(
            names = "--checkpoint-dir",
            paramLabel = "DIR",
            description = "checkpoint after every epoch (default OUT.checkpoints)")
    Path checkpointDir;

    @Option(names = "--no-checkpoints", description = "write none")
    boolean noCheckpoints;

    /**
     * AdamW, warm-up and cosine schedule, clipping.
     *
     * @throws picocli.CommandLine.ParameterException of {@code command} if {@code --adam-betas} is
     *     not two numbers
     */
    OptimizerConfig optimizer(CommandSpec command) {
        double[] betas;
        try {
            betas =
                    Arrays.stream(adamBetas.split(","))
                            .map(String::trim)
                            .mapToDouble(Double::parseDouble)
                            .toArray();
        } catch (NumberFormatException e) {
            betas = new double[0];
        }
        if (betas.length != 2) {
            throw CommandLines.usageError(
                    command,
                    "--adam-betas must be two numbers, e.g. 0.9,0.99; got '" + adamBetas + "'");
        }
        return new OptimizerConfig(
                learningRate,
                warmupSteps,
                floor,
                betas[0],
                betas[1],
                OPTIMIZER.epsilon(),
                weightDecay,
                clipGradNorm);
    }
}
