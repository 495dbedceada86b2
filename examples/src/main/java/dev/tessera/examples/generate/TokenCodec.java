package dev.tessera.examples.generate;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The tokenizer the pipeline encodes and decodes with: a tokenizer directory opened in this process
 * ({@link InProcessCodec}) or a model on a tessera server ({@link ServerCodec}). Both take batches
 * of any size and send them in chunks the model accepts.
 */
public sealed interface TokenCodec extends AutoCloseable permits InProcessCodec, ServerCodec {

    /** K: token ids lie in [0, K). */
    int codebookSize();

    int gridHeight();

    int gridWidth();

    /** Channels of the images the tokenizer takes. */
    int channels();

    int imageHeight();

    int imageWidth();

    /** Most images or grids sent in one call. */
    int chunkSize();

    /** One line for logs: which model, where. */
    String describe();

    /** Tokens of at most {@link #chunkSize()} images. */
    TokenBatch encodeChunk(ImageBatch images);

    /** Images of at most {@link #chunkSize()} grids. */
    ImageBatch decodeChunk(TokenBatch tokens);

    /** Tokens of every image, in order. */
    default TokenBatch encode(ImageBatch images) {
        List<TokenBatch> parts = new ArrayList<>();
        for (int from = 0; from < images.count(); from += chunkSize()) {
            parts.add(
                    encodeChunk(images.slice(from, Math.min(images.count(), from + chunkSize()))));
        }
        return TokenBatch.concat(parts);
    }

    /** Images of every grid, in order. */
    default ImageBatch decode(TokenBatch tokens) {
        List<ImageBatch> parts = new ArrayList<>();
        int grid = tokens.gridSize();
        for (int from = 0; from < tokens.count(); from += chunkSize()) {
            int to = Math.min(tokens.count(), from + chunkSize());
            int[] ids = Arrays.copyOfRange(tokens.ids(), from * grid, to * grid);
            parts.add(decodeChunk(new TokenBatch(to - from, tokens.height(), tokens.width(), ids)));
        }
        return ImageBatch.concat(parts);
    }

    /** Releases the tokenizer or the connection. */
    @Override
    void close();
}
