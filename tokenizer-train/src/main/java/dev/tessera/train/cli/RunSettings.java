package dev.tessera.train.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The budget, optimiser, seed, device and checkpoints of a training run ({@code @Mixin}); part of
 * {@link TrainSettings}.
 */
final class RunSettings {

    @Option(names = "--epochs", paramLabel = "N", description = "passes over the training split")
    Integer epochs;

    @Option(
            names = "--steps",
            paramLabel = "N",
            description = "or a step budget (default 1500 when --epochs is not given)")
    Integer steps;

    @Option(
            names = "--batch-size",
            paramLabel = "B",
            description = "images per step (default ${DEFAULT-VALUE})")
    int batchSize = 64;

    @Option(
            names = "--lr",
            paramLabel = "LR",
            description = "Adam learning rate (default ${DEFAULT-VALUE})")
    double learningRate = 2e-3;

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
}
