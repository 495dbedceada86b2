package dev.tessera.runtime.cli;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The parsed arguments of {@code decode}.
 *
 * @param endpoint where the model runs
 * @param tokens token file to read ({@code .npy} or {@code .json})
 * @param outDir directory for the PNG files, created if missing
 * @param batch most token grids per call
 * @param verbose print stack traces with errors
 */
record DecodeArguments(
        EndpointArguments endpoint, Path tokens, Path outDir, int batch, boolean verbose) {

    /** Validates. */
    DecodeArguments {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(outDir, "outDir");
        if (batch < 1) {
            throw new IllegalArgumentException("batch: expected ≥ 1, got " + batch);
        }
    }

    /** These arguments with another endpoint. */
    DecodeArguments withEndpoint(EndpointArguments other) {
        return new DecodeArguments(other, tokens, outDir, batch, verbose);
    }

    /**
     * Parses the arguments after {@code decode}.
     *
     * @throws UsageException naming what is wrong
     */
    static DecodeArguments parse(List<String> args) throws UsageException {
        Set<String> valued = new HashSet<>(EndpointArguments.VALUED);
        valued.addAll(Set.of("--tokens", "--out-dir", "--batch"));
        Set<String> flags = new HashSet<>(EndpointArguments.FLAGS);
        flags.add("--verbose");
        OptionList options = OptionList.parse("decode", args, valued, flags);
        EndpointArguments endpoint = EndpointArguments.parse("decode", options);
        Path tokens = Path.of(options.required("--tokens", "FILE (a .npy or .json token file)"));
        TokenCommands.requireTokenFileName("decode", "--tokens", tokens);
        Path outDir = Path.of(options.required("--out-dir", "DIR (where the PNG files go)"));
        if (!options.positionals().isEmpty()) {
            throw new UsageException(
                    "decode: unexpected argument \""
                            + options.positionals().get(0)
                            + "\"; the token file goes after --tokens");
        }
        int batch = options.integer("--batch", TokenCommands.DEFAULT_BATCH, 1, 1 << 16);
        return new DecodeArguments(endpoint, tokens, outDir, batch, options.has("--verbose"));
    }
}
