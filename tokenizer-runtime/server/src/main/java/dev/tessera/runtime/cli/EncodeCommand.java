package dev.tessera.runtime.cli;

import dev.tessera.api.v1.ModelSummary;
import dev.tessera.cli.CommandFailedException;
import dev.tessera.cli.CommandLines;
import dev.tessera.cli.CommonOptions;
import dev.tessera.cli.IntRange;
import dev.tessera.format.ImageFileSet;
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
 * model's name, version, K and the image file names recorded when the file is JSON. A folder of
 * class folders keeps its labels in files beside the token file ({@link ImageFileSet}).
 */
@Command(
        name = "encode",
        sortOptions = false,
        synopsisHeading = "",
        customSynopsis =
                "usage: tessera encode (--model DIR | --server HOST:PORT) --out FILE"
                        + " (IMAGE... | FOLDER)%n",
        description = {
            "Encodes PNG files into a token file (.npy or .json).",
            "",
            "Encodes PNG (or JPEG) files into token grids. Every image must have a size the model"
                    + " takes, all the same (nothing is resized): its training size, or any"
                    + " multiple of its downsampling factor where the model allows that; grayscale"
                    + " and RGB files are converted to the model's channels. A folder stands for"
                    + " the images in it, sorted; a folder of class folders (FOLDER/cat/1.png,"
                    + " FOLDER/dog/2.png) also writes the labels: STEM.labels.npy (int64 [N], the"
                    + " class index of each image) and STEM.classes.txt (class i on line i) beside"
                    + " the token file. The token file's extension picks its format: .npy (int64"
                    + " [N,h,w], or int32 with --dtype int32) or .json (shape, ids, and the model,"
                    + " version, K and image names).",
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

    @Parameters(
            paramLabel = "IMAGE",
            description = "PNG or JPEG files to encode, in order, or one folder of them")
    private List<Path> images = new ArrayList<>();

    @Option(
            names = "--dtype",
            paramLabel = "TYPE",
            description =
                    "element type of a .npy token file: int64 (default; what PyTorch indexes"
                            + " with) or int32")
    private String dtype = "int64";

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
        TokenFile.IdType idType = idType(spec, dtype);
        if (images.isEmpty()) {
            throw CommandLines.usageError(spec, "expected one or more image files to encode");
        }
        ImageFileSet set = imageFiles(images);
        List<Path> files = set.files();
        try (TokenizerEndpoint endpoint = TokenizerEndpoint.open(where)) {
            ModelSummary model = endpoint.model();
            List<TokenBatch> parts = new ArrayList<>();
            for (int from = 0; from < files.size(); from += batch) {
                int to = Math.min(files.size(), from + batch);
                parts.add(endpoint.encode(files.subList(from, to)));
            }
            TokenBatch tokens = concat(parts, files);
            List<String> names = files.stream().map(EncodeCommand::fileName).toList();
            TokenFile file =
                    new TokenFile(
                            tokens,
                            model.getName(),
                            model.getVersion(),
                            model.getCodebookSize(),
                            names);
            write(file, target, idType);
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
            if (set.labelled()) {
                List<Path> written = writeLabels(set, target);
                out.printf(
                        "labels of %d classes in %s and %s%n",
                        set.classes().size(),
                        written.get(0),
                        written.get(1));
            }
        }
        return 0;
    }

    private static TokenFile.IdType idType(CommandSpec spec, String dtype) {
        return switch (dtype) {
            case "int64" -> TokenFile.IdType.INT64;
            case "int32" -> TokenFile.IdType.INT32;
            default ->
                    throw CommandLines.usageError(
                            spec, "--dtype: expected int64 or int32, got \"" + dtype + "\"");
        };
    }

    private static ImageFileSet imageFiles(List<Path> arguments) throws CommandFailedException {
        try {
            return ImageFileSet.of(arguments);
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException(e.getMessage(), e);
        } catch (IOException e) {
            throw new CommandFailedException(
                    "cannot list the image folder: " + CommandLines.reason(e), e);
        }
    }

    /** The grids of every batch, which one token file holds only if all have one grid size. */
    private static TokenBatch concat(List<TokenBatch> parts, List<Path> files)
            throws CommandFailedException {
        try {
            return TokenBatch.concat(parts);
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException(
                    "the images are not all of one size ("
                            + e.getMessage()
                            + "); one token file holds grids of one size, so encode each size"
                            + " into its own file ("
                            + files.size()
                            + " files given)",
                    e);
        }
    }

    private static List<Path> writeLabels(ImageFileSet set, Path target)
            throws CommandFailedException {
        try {
            return set.writeLabels(target);
        } catch (IOException e) {
            throw new CommandFailedException(
                    "the labels beside " + target + " cannot be written (" + CommandLines.reason(e)
                            + ")",
                    e);
        }
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

    private static void write(TokenFile file, Path out, TokenFile.IdType ids)
            throws CommandFailedException {
        try {
            file.write(out, ids);
        } catch (IOException e) {
            throw new CommandFailedException(
                    out + ": cannot be written (" + CommandLines.reason(e) + ")", e);
        }
    }
}
