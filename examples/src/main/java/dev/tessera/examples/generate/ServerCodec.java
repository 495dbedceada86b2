package dev.tessera.examples.generate;

import dev.tessera.api.v1.ModelSummary;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.client.TokenizerClient;
import dev.tessera.runtime.client.TokenizerClientException;

import java.time.Duration;

/**
 * A model on a tessera server, reached through a {@link TokenizerClient} this codec owns. The
 * version is pinned when connecting, so every call of one run goes to the same model even if the
 * server loads a newer version meanwhile.
 */
public final class ServerCodec implements TokenCodec {

    /** Well under the server's default batch limit (256), so a request is never refused for it. */
    private static final int CHUNK = 64;

    private final String target;
    private final TokenizerClient client;
    private final ModelSummary model;

    private ServerCodec(String target, TokenizerClient client, ModelSummary model) {
        this.target = target;
        this.client = client;
        this.model = model;
    }

    /**
     * Connects to {@code target} (host:port) and looks up {@code name} (null: the server's only
     * model) at its highest version.
     */
    public static ServerCodec connect(String target, String name) {
        TokenizerClient client =
                TokenizerClient.builder(target)
                        .plaintext()
                        .deadline(Duration.ofSeconds(60))
                        .build();
        try {
            ModelSummary model = client.getModel(name, null).getSummary();
            return new ServerCodec(target, client, model);
        } catch (TokenizerClientException e) {
            client.close();
            throw new IllegalStateException(
                    "cannot use "
                            + (name == null ? "the only model" : "model " + name)
                            + " of server "
                            + target
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    @Override
    public int codebookSize() {
        return model.getCodebookSize();
    }

    @Override
    public int gridHeight() {
        return model.getGridHeight();
    }

    @Override
    public int gridWidth() {
        return model.getGridWidth();
    }

    @Override
    public int channels() {
        return model.getChannels();
    }

    @Override
    public int imageHeight() {
        return model.getImageHeight();
    }

    @Override
    public int imageWidth() {
        return model.getImageWidth();
    }

    @Override
    public int chunkSize() {
        return CHUNK;
    }

    @Override
    public String describe() {
        return model.getName() + " version " + model.getVersion() + " on server " + target;
    }

    @Override
    public TokenBatch encodeChunk(ImageBatch images) {
        return client.encode(model.getName(), model.getVersion(), images);
    }

    @Override
    public ImageBatch decodeChunk(TokenBatch tokens) {
        return client.decode(model.getName(), model.getVersion(), tokens);
    }

    @Override
    public void close() {
        client.close();
    }
}
