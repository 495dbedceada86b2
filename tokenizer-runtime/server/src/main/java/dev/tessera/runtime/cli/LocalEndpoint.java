package dev.tessera.runtime.cli;

import dev.tessera.api.v1.ModelSummary;
import dev.tessera.cli.CommandFailedException;
import dev.tessera.format.ImageCodec;
import dev.tessera.format.ImageFileException;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.artifact.TokenizerLoadException;
import dev.tessera.runtime.onnx.Tokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A tokenizer directory opened in this process; owns the {@link Tokenizer}. */
final class LocalEndpoint implements TokenizerEndpoint {

    private final Path dir;
    private final Tokenizer tokenizer;

    private LocalEndpoint(Path dir, Tokenizer tokenizer) {
        this.dir = dir;
        this.tokenizer = tokenizer;
    }

    static LocalEndpoint open(Path dir) throws CommandFailedException {
        Tokenizer tokenizer;
        try {
            tokenizer = Tokenizer.open(dir);
        } catch (TokenizerLoadException e) {
            throw new CommandFailedException(
                    "cannot load tokenizer directory " + dir + ": " + e.getMessage(), e);
        }
        return new LocalEndpoint(dir, tokenizer);
    }

    @Override
    public ModelSummary model() {
        return tokenizer.summary();
    }

    @Override
    public String where() {
        return "tokenizer directory " + dir;
    }

    @Override
    public TokenBatch encode(List<Path> files) throws CommandFailedException {
        Tokenizer t = tokenizer;
        TokenizerEndpoint.requireImageChannels(t.channels());
        List<byte[]> bytes = new ArrayList<>(files.size());
        for (Path file : files) {
            bytes.add(TokenizerEndpoint.readImageFile(file));
        }
        try {
            return t.encode(
                    ImageCodec.readForModel(
                            bytes, t.channels(), t.shapes().sizes(), Long.MAX_VALUE));
        } catch (ImageFileException e) {
            String resize =
                    e.reason() == ImageFileException.Reason.WRONG_SIZE
                            ? "; images are not resized"
                            : "";
            throw new CommandFailedException(
                    files.get(e.index()) + ": " + e.getMessage() + resize, e.getCause());
        }
    }

    @Override
    public ImageBatch decode(TokenBatch tokens) throws CommandFailedException {
        try {
            return tokenizer.decode(tokens);
        } catch (InvalidInputException e) {
            throw new CommandFailedException(
                    "model " + tokenizer.name() + " refused the tokens: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
