package dev.tessera.runtime.cli;

import dev.tessera.api.v1.ModelSummary;
import dev.tessera.runtime.TokenBatch;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code encode}: image files → one token file, in batches of {@code --batch} images, with the
 * model's name, version, K and the image file names recorded when the file is JSON.
 */
final class EncodeCommand {

    private final PrintStream out;

    /**
     * @param out where the one-line summary goes
     */
    EncodeCommand(PrintStream out) {
        this.out = out;
    }

    /**
     * @throws CommandFailedException naming the file or the server at fault
     */
    void run(EncodeArguments args) throws CommandFailedException {
        try (TokenizerEndpoint endpoint = TokenizerEndpoint.open(args.endpoint())) {
            ModelSummary model = endpoint.model();
            List<Path> images = args.images();
            List<TokenBatch> parts = new ArrayList<>();
            for (int from = 0; from < images.size(); from += args.batch()) {
                int to = Math.min(images.size(), from + args.batch());
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
            write(file, args.out());
            out.printf(
                    "encoded %d image%s with model %s version %s (%s) into %s: shape %s, ids in"
                            + " [0,%d)%n",
                    tokens.count(),
                    tokens.count() == 1 ? "" : "s",
                    model.getName(),
                    model.getVersion(),
                    endpoint.where(),
                    args.out(),
                    tokens.shapeString(),
                    model.getCodebookSize());
        }
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
                    out + ": cannot be written (" + TokenCommands.reason(e) + ")", e);
        }
    }
}
