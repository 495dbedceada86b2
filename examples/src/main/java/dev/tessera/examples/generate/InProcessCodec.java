package dev.tessera.examples.generate;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.Tokenizer;

import java.nio.file.Path;

/** A tokenizer directory opened with the runtime library in this process; owns the tokenizer. */
public final class InProcessCodec implements TokenCodec {

    private static final int CHUNK = 256;

    private final Path dir;
    private final Tokenizer tokenizer;

    public InProcessCodec(Path dir, Tokenizer tokenizer) {
        this.dir = dir;
        this.tokenizer = tokenizer;
    }

    /** Opens and verifies the tokenizer directory {@code dir}. */
    public static InProcessCodec open(Path dir) {
        return new InProcessCodec(dir, Tokenizer.open(dir));
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public int codebookSize() {
        return tokenizer.codebookSize();
    }

    @Override
    public int gridHeight() {
        return tokenizer.gridHeight();
    }

    @Override
    public int gridWidth() {
        return tokenizer.gridWidth();
    }

    @Override
    public int channels() {
        return tokenizer.channels();
    }

    @Override
    public int imageHeight() {
        return tokenizer.imageHeight();
    }

    @Override
    public int imageWidth() {
        return tokenizer.imageWidth();
    }

    @Override
    public int chunkSize() {
        return CHUNK;
    }

    @Override
    public String describe() {
        return tokenizer.name() + " version " + tokenizer.version() + ", in process from " + dir;
    }

    @Override
    public TokenBatch encodeChunk(ImageBatch images) {
        return tokenizer.encode(images);
    }

    @Override
    public ImageBatch decodeChunk(TokenBatch tokens) {
        return tokenizer.decode(tokens);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
