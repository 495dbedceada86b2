package dev.tessera.runtime.cli;

import dev.tessera.api.v1.ModelSummary;
import dev.tessera.cli.CommandFailedException;
import dev.tessera.cli.CommandLines;
import dev.tessera.cli.CommonOptions;
import dev.tessera.cli.IntRange;
import dev.tessera.format.ImageCodec;
import dev.tessera.format.TokenFile;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * {@code decode}: one token file → one PNG per grid in {@code --out-dir}. The files are named after
 * the images recorded in a JSON token file ({@code a.jpg} → {@code a.png}) when those names are
 * usable and distinct, else {@code 000000.png}, {@code 000001.png}, ... Existing files of those
 * names are replaced.
 *
 * <p>Before anything is decoded, the tokens are checked against the model, naming the token file:
 * the recorded model and version (JSON) must be the model decoding them, the grid must be the
 * model's, and every id must lie in [0, K).
 */
@Command(
        name = "decode",
        sortOptions = false,
        synopsisHeading = "",
        customSynopsis =
                "usage: tessera decode (--model DIR | --server HOST:PORT) --tokens FILE --out-dir"
                        + " DIR%n",
        description = {
            "Decodes a token file into PNG files.",
            "",
            "Decodes a token file (.npy or .json) into one PNG per grid. The PNGs are named after"
                    + " the images a .json file records (a.png, ...), else 000000.png, 000001.png,"
                    + " ...; existing files of those names are replaced. With --server and a .json"
                    + " file, the recorded model and version are used unless --name/--version say"
                    + " otherwise.",
            ""
        })
final class DecodeCommand implements Callable<Integer> {

    private final PrintStream out;

    @Spec private CommandSpec spec;

    @Option(names = "--tokens", paramLabel = "FILE", description = "token file to read")
    private Path tokensFile;

    @Option(
            names = "--out-dir",
            paramLabel = "DIR",
            description = "directory for the PNG files (created if missing)")
    private Path outDir;

    @Parameters(hidden = true)
    private List<String> unexpected = new ArrayList<>();

    @Mixin private EndpointOptions where;

    @Option(
            names = "--batch",
            paramLabel = "N",
            description = "images or grids per call (default ${DEFAULT-VALUE})")
    @IntRange(min = 1, max = 1 << 16)
    private int batch = EncodeCommand.DEFAULT_BATCH;

    @Mixin private CommonOptions common;

    /**
     * @param out where the one-line summary goes
     */
    DecodeCommand(PrintStream out) {
        this.out = out;
    }

    /**
     * @throws CommandFailedException naming the token file, the output or the server at fault
     */
    @Override
    public Integer call() {
        Endpoint endpoint = where.endpoint(spec);
        Path tokensPath =
                EncodeCommand.requireTokenFile(
                        spec, "--tokens", tokensFile, "FILE (a .npy or .json token file)");
        if (outDir == null) {
            throw CommandLines.usageError(spec, "expected --out-dir DIR (where the PNG files go)");
        }
        if (!unexpected.isEmpty()) {
            throw CommandLines.usageError(
                    spec,
                    "unexpected argument \""
                            + unexpected.get(0)
                            + "\"; the token file goes after --tokens");
        }
        run(endpoint, tokensPath);
        return 0;
    }

    private void run(Endpoint given, Path tokensPath) {
        TokenFile file = read(tokensPath);
        // A JSON file says which model wrote it; on a server, that is the model to ask for.
        Endpoint where = given.withDefaultModel(file.model(), file.version());
        try (TokenizerEndpoint endpoint = TokenizerEndpoint.open(where)) {
            ModelSummary model = endpoint.model();
            checkOrigin(tokensPath, file, model, endpoint.where());
            checkFits(tokensPath, file.tokens(), model);
            TokenizerEndpoint.requireImageChannels(model.getChannels());
            List<String> names = outputNames(file);
            createDirectories(outDir);
            TokenBatch tokens = file.tokens();
            for (int from = 0; from < tokens.count(); from += batch) {
                int to = Math.min(tokens.count(), from + batch);
                ImageBatch images = endpoint.decode(slice(tokens, from, to));
                for (int i = 0; i < images.count(); i++) {
                    write(outDir.resolve(names.get(from + i)), images, i);
                }
            }
            out.printf(
                    "decoded %d token grid%s with model %s version %s (%s) into %s: %s%n",
                    tokens.count(),
                    tokens.count() == 1 ? "" : "s",
                    model.getName(),
                    model.getVersion(),
                    endpoint.where(),
                    outDir,
                    names.size() == 1
                            ? names.get(0)
                            : names.get(0) + " ... " + names.get(names.size() - 1));
        }
    }

    private static TokenFile read(Path file) throws CommandFailedException {
        try {
            return TokenFile.read(file);
        } catch (IOException e) {
            throw new CommandFailedException(e.getMessage(), e);
        }
    }

    private static void checkOrigin(Path path, TokenFile file, ModelSummary model, String where)
            throws CommandFailedException {
        boolean otherName = file.model() != null && !file.model().equals(model.getName());
        boolean otherVersion = file.version() != null && !file.version().equals(model.getVersion());
        if (otherName || otherVersion) {
            throw new CommandFailedException(
                    String.format(
                            "%s: written by model %s version %s, but the model to decode with is"
                                    + " %s version %s (%s); token ids of one tokenizer mean"
                                    + " nothing to another, so decode with the model that wrote"
                                    + " them",
                            path,
                            Objects.requireNonNullElse(file.model(), model.getName()),
                            Objects.requireNonNullElse(file.version(), "(any)"),
                            model.getName(),
                            model.getVersion(),
                            where));
        }
    }

    private static void checkFits(Path path, TokenBatch tokens, ModelSummary model)
            throws CommandFailedException {
        if (tokens.height() != model.getGridHeight() || tokens.width() != model.getGridWidth()) {
            throw new CommandFailedException(
                    String.format(
                            "%s: holds grids of %dx%d tokens, but model %s version %s decodes"
                                    + " %dx%d grids",
                            path,
                            tokens.height(),
                            tokens.width(),
                            model.getName(),
                            model.getVersion(),
                            model.getGridHeight(),
                            model.getGridWidth()));
        }
        int k = model.getCodebookSize();
        int[] ids = tokens.ids();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= k) {
                int grid = i / tokens.gridSize();
                int cell = i % tokens.gridSize();
                throw new CommandFailedException(
                        String.format(
                                "%s: token id %d of grid %d (row %d, column %d) is outside [0,%d),"
                                        + " the codebook of model %s version %s",
                                path,
                                ids[i],
                                grid,
                                cell / tokens.width(),
                                cell % tokens.width(),
                                k,
                                model.getName(),
                                model.getVersion()));
            }
        }
    }

    /** The recorded image names as PNG names when usable and distinct, else numbers. */
    static List<String> outputNames(TokenFile file) {
        int n = file.tokens().count();
        List<String> names = new ArrayList<>(n);
        for (String image : file.images()) {
            String base = baseName(image);
            if (base == null) {
                break;
            }
            names.add(base + ".png");
        }
        if (names.size() == n && new HashSet<>(names).size() == n) {
            return names;
        }
        List<String> numbered = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            numbered.add(String.format("%06d.png", i));
        }
        return numbered;
    }

    /**
     * The name without directories and extension, or null if nothing safe is left. Names come from
     * a file anyone may have written, so none may climb out of the output directory.
     */
    private static String baseName(String image) {
        String name =
                image.substring(Math.max(image.lastIndexOf('/'), image.lastIndexOf('\\')) + 1);
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        if (base.isEmpty() || base.equals(".") || base.equals("..") || base.indexOf('\0') >= 0) {
            return null;
        }
        return base;
    }

    private static TokenBatch slice(TokenBatch tokens, int from, int to) {
        int size = tokens.gridSize();
        return new TokenBatch(
                to - from,
                tokens.height(),
                tokens.width(),
                Arrays.copyOfRange(tokens.ids(), from * size, to * size));
    }

    private static void createDirectories(Path dir) throws CommandFailedException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CommandFailedException(
                    dir + ": cannot create the output directory (" + CommandLines.reason(e) + ")",
                    e);
        }
    }

    private static void write(Path file, ImageBatch images, int index)
            throws CommandFailedException {
        try {
            ImageCodec.writePng(file, images, index);
        } catch (IOException e) {
            throw new CommandFailedException(
                    file + ": cannot be written (" + CommandLines.reason(e) + ")", e);
        }
    }
}
