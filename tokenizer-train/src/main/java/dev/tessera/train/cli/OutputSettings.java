package dev.tessera.train.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where a training run writes its tokenizer directory and what it names it ({@code @Mixin}). */
final class OutputSettings {

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "tokenizer directory to write (required)")
    Path out;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            description = "model name in the manifest (default ${DEFAULT-VALUE})")
    String name = "tokenizer";

    @Option(
            names = "--version",
            paramLabel = "V",
            description = "model version in the manifest (default ${DEFAULT-VALUE})")
    String version = "1";

    @Option(names = "--overwrite", description = "replace DIR if it exists")
    boolean overwrite;
}
