package dev.tessera.runtime.cli;

import dev.tessera.api.v1.ModelSummary;
import dev.tessera.cli.CommandFailedException;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The model {@code encode} and {@code decode} work with, wherever it runs: a {@link LocalEndpoint}
 * (a tokenizer directory in this process) or a {@link ServerEndpoint} (a tessera server). Both give
 * the same tokens and pixels for the same files; the tests hold them to it.
 */
sealed interface TokenizerEndpoint extends AutoCloseable permits LocalEndpoint, ServerEndpoint {

    /**
     * Opens what {@code args} names.
     *
     * @throws CommandFailedException if the directory cannot be loaded or the server does not
     *     answer or does not hold the model
     */
    static TokenizerEndpoint open(Endpoint args) throws CommandFailedException {
        return args.local() ? LocalEndpoint.open(args.modelDir()) : ServerEndpoint.open(args);
    }

    /** The model: name, the exact version, K, grid and image shape. */
    ModelSummary model();

    /**
     * Where the model runs, for messages: {@code tokenizer directory DIR} or {@code server H:P}.
     */
    String where();

    /**
     * Encodes image files, in order.
     *
     * @throws CommandFailedException naming the first file that cannot be encoded
     */
    TokenBatch encode(List<Path> files) throws CommandFailedException;

    /**
     * Decodes token grids that fit the model's grid and codebook.
     *
     * @throws CommandFailedException if the model refuses them
     */
    ImageBatch decode(TokenBatch tokens) throws CommandFailedException;

    /**
     * The bytes of an image file.
     *
     * @throws CommandFailedException naming the file if it is missing or cannot be read
     */
    static byte[] readImageFile(Path file) throws CommandFailedException {
        if (!Files.isRegularFile(file)) {
            throw new CommandFailedException(
                    file + (Files.exists(file) ? ": not a file" : ": no such file"));
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CommandFailedException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * @throws CommandFailedException unless image files can give the model's channels
     */
    static void requireImageChannels(int channels) throws CommandFailedException {
        if (channels != 1 && channels != 3) {
            throw new CommandFailedException(
                    "the model takes "
                            + channels
                            + "-channel images; PNG files can only give 1 (grayscale) or 3 (RGB)");
        }
    }

    /** Releases the model or the connection. */
    @Override
    void close();
}
