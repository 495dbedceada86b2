package dev.tessera.runtime.cli;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The parsed arguments of {@code encode}.
 *
 * @param endpoint where the model runs
 * @param images image files to encode, in order, at least one
 * @param out token file to write ({@code .npy} or {@code .json})
 * @param batch most images per call
 * @param verbose print stack traces with errors
 */
record EncodeArguments(
        EndpointArguments endpoint, List<Path> images, Path out, int batch, boolean verbose) {

    /** Validates and copies. */
    EncodeArguments {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(out, "out");
        images = List.copyOf(images);
        if (images.isEmpty()) {
            throw new IllegalArgumentException("images: expected at least one image file");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch: expected ≥ 1, got " + batch);
        }
    }

    /**
     * Parses the arguments after {@code encode}.
     *
     * @throws UsageException naming what is wrong
     */
    static EncodeArguments parse(List<String> args) throws UsageException {
        Set<String> valued = new HashSet<>(EndpointArguments.VALUED);
        valued.addAll(Set.of("--out", "--batch"));
        Set<String> flags = new HashSet<>(EndpointArguments.FLAGS);
        flags.add("--verbose");
        OptionList options = OptionList.parse("encode", args, valued, flags);
        EndpointArguments endpoint = EndpointArguments.parse("encode", options);
        Path out = Path.of(options.required("--out", "FILE (a .npy or .json token file)"));
        TokenCommands.requireTokenFileName("encode", "--out", out);
        if (options.positionals().isEmpty()) {
            throw new UsageException("encode: expected one or more image files to encode");
        }
        List<Path> images = options.positionals().stream().map(Path::of).toList();
        int batch = options.integer("--batch", TokenCommands.DEFAULT_BATCH, 1, 1 << 16);
        return new EncodeArguments(endpoint, images, out, batch, options.has("--verbose"));
    }
}
