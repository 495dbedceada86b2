package dev.tessera.runtime.cli;

import dev.tessera.api.v1.ModelSummary;
import dev.tessera.cli.CommandFailedException;
import dev.tessera.cli.CommandLines;
import dev.tessera.cli.CommonOptions;
import dev.tessera.cli.IntRange;
import dev.tessera.format.TokenFile;
import dev.tessera.runtime.TokenBatch;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code encode}: image files → one token file, in batches of {@code --batch} images, with the
 * model's name, version, K and the image file names recorded when the file is JSON.
 */
@Command(
        name = "encode",
        sortOptions = false,
        synopsisHeading = "",
        customSynopsis =
                "usage: tessera encode (--model DIR | --server HOST:PORT) --out FILE IMAGE...%n",
        description = {
            "",
            "Encodes PNG (or JPEG) files into token grids. Every image must have the model's width"
                    + " and height (nothing is resized); grayscale and RGB files are converted to"
                    + " the model's channels. The token file's extension picks its format: .npy"
                    + " (int32 [N,h,w]) or .json (shape, ids, and the model, version, K and image"
                    + " names).",
            ""
        })
final class EncodeCommand implements Callable<Integer> {

    /** Images or token grids per call unless {@code --batch} says otherwise. */
    static final int DEFAULT_BATCH = 64;

    private final PrintStream out;

    @Spec private CommandSpec spec;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "token file to write: FILE.npy or FILE.json")
    private Path outFile;

    @Parameters(paramLabel = "IMAGE", description = "PNG or JPEG files to encode, in order")
    private List<Path> images = new ArrayList<>();

    @Mixin private EndpointOptions where;

    @Option(
            names = "--batch",
            paramLabel = "N",
            description = "images or grids per call (default ${DEFAULT-VALUE})")
    @IntRange(min = 1, max = 1 << 16)
    private int batch = DEFAULT_BATCH;

    @Mixin private CommonOptions common;

    /**
     * @param out where the one-line summary goes
     */
    EncodeCommand(PrintStream out) {
        this.out = out;
    }

    /**
     * @throws CommandFailedException naming the file or the server at fault
     */
    @Override
    public Integer call() {
        Endpoint where = this.where.endpoint(spec);
        Path target = requireTokenFile(spec, "--out", outFile, "FILE (a .npy or .json token file)");
        if (images.isEmpty()) {
            throw CommandLines.usageError(spec, "expected one or more image files to encode");
        }
        try (TokenizerEndpoint endpoint = TokenizerEndpoint.open(where)) {
            ModelSummary model = endpoint.model();
            List<TokenBatch> parts = new ArrayList<>();
            for (int from = 0; from < images.size(); from += batch) {
                int to = Math.min(images.size(), from + batch);
                parts.add(endpoint.encode(images.subList(from, to)));
            }
            TokenBatch tokens = TokenBatch.concat(parts);
            List<String> names = images.stream().map(EncodeCommand::fileName).toList();
            TokenFile file =
                    new TokenFile(
                            tokens,
                            model.getName(),
                            model.getVersion(),
                            model.getCodebookSize(),
                            names);
            write(file, target);
            out.printf(
                    "encoded %d image%s with model %s version %s (%s) into %s: shape %s, ids in"
                            + " [0,%d)%n",
                    tokens.count(),
                    tokens.count() == 1 ? "" : "s",
                    model.getName(),
                    model.getVersion(),
                    endpoint.where(),
                    target,
                    tokens.shapeString(),
                    model.getCodebookSize());
        }
        return 0;
    }

    /**
     * The token file an option names.
     *
     * @throws picocli.CommandLine.ParameterException if it is missing or not a .npy or .json name
     */
    static Path requireTokenFile(CommandSpec spec, String option, Path file, String what) {
        if (file == null) {
            throw CommandLines.usageError(spec, "expected " + option + " " + what);
        }
        try {
            TokenFile.Format.of(file);
        } catch (IllegalArgumentException e) {
            throw CommandLines.usageError(spec, option + " " + e.getMessage());
        }
        return file;
    }

    private static String fileName(Path image) {
        Path name = image.getFileName();
        return name == null ? image.toString() : name.toString();
    }

    private static void write(TokenFile file, Path out) throws CommandFailedException {
        try {
            file.write(out);
        } catch (IOException e) {
            throw new CommandFailedException(
                    out + ": cannot be written (" + CommandLines.reason(e) + ")", e);
        }
    }
}
