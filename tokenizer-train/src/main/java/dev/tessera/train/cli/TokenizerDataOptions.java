package dev.tessera.train.cli;

import dev.tessera.cli.CommandLines;
import dev.tessera.cli.IntRange;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.train.data.DataSplits;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What {@code eval} and {@code analyze} both read ({@code @Mixin}): an exported tokenizer, a data
 * set read as {@code tessera train} reads it, ONNX Runtime's batch size and the output format.
 */
final class TokenizerDataOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", description = "tokenizer directory")
    private Path model;

    @Mixin private DataSettings data;

    @Option(
            names = "--seed",
            paramLabel = "S",
            description =
                    "seed of the hold-out split (and of analyze's prior samples) (default"
                            + " ${DEFAULT-VALUE})")
    private long seed = 7;

    @Option(
            names = "--batch-size",
            paramLabel = "B",
            description = "images per ONNX Runtime call (default ${DEFAULT-VALUE})")
    @IntRange(min = 1)
    private int batchSize = 256;

    @Option(names = "--json", description = "print one JSON object instead of a table")
    private boolean json;

    /**
     * The tokenizer directory, after checking that both it and the data are given.
     *
     * @throws picocli.CommandLine.ParameterException if one is missing
     */
    Path model() {
        if (model == null || data.data() == null) {
            throw CommandLines.usageError(spec, "--model DIR and --data PATH are required");
        }
        return model;
    }

    /**
     * The data set, at the tokenizer's image size and channels unless the options say otherwise.
     */
    DataSplits open(Tokenizer tokenizer) throws IOException {
        return data.openFor(spec, tokenizer, seed);
    }

    long seed() {
        return seed;
    }

    int batchSize() {
        return batchSize;
    }

    boolean json() {
        return json;
    }
}
