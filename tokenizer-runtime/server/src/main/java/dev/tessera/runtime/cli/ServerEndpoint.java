package dev.tessera.runtime.cli;

import dev.tessera.api.v1.ModelSummary;
import dev.tessera.cli.CommandFailedException;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.client.TokenizerClient;
import dev.tessera.runtime.client.TokenizerClientException;

import io.grpc.Status;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model on a tessera server, reached through a {@link TokenizerClient} it owns. The version is
 * pinned when opening, so that every batch of one command runs on the same version even if the
 * server loads a newer one meanwhile. Image files travel as they are; the server decodes them.
 */
final class ServerEndpoint implements TokenizerEndpoint {

    /** How the server names a file of an Encode request in its refusals. */
    private static final Pattern IMAGE_FIELD = Pattern.compile("^encoded\\.images\\[(\\d+)\\]: ");

    private final String server;
    private final TokenizerClient client;
    private final ModelSummary model;

    private ServerEndpoint(String server, TokenizerClient client, ModelSummary model) {
        this.server = server;
        this.client = client;
        this.model = model;
    }

    static ServerEndpoint open(Endpoint args) throws CommandFailedException {
        TokenizerClient client;
        try {
            client = TokenizerClient.connect(args.clientConfig());
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException(
                    "--server " + args.server() + ": " + e.getMessage(), e);
        }
        try {
            ModelSummary model = client.getModel(args.name(), args.version()).getSummary();
            return new ServerEndpoint(args.server(), client, model);
        } catch (TokenizerClientException e) {
            client.close();
            throw failure(args.server(), e);
        }
    }

    @Override
    public ModelSummary model() {
        return model;
    }

    @Override
    public String where() {
        return "server " + server;
    }

    @Override
    public TokenBatch encode(List<Path> files) throws CommandFailedException {
        List<byte[]> bytes = new ArrayList<>(files.size());
        for (Path file : files) {
            bytes.add(TokenizerEndpoint.readImageFile(file));
        }
        try {
            return client.encodePng(model.getName(), model.getVersion(), bytes);
        } catch (TokenizerClientException e) {
            Matcher m = IMAGE_FIELD.matcher(e.description());
            if (e.code() == Status.Code.INVALID_ARGUMENT && m.find()) {
                int index = Integer.parseInt(m.group(1));
                if (index < files.size()) {
                    throw new CommandFailedException(
                            files.get(index)
                                    + ": refused by "
                                    + where()
                                    + ": "
                                    + e.description().substring(m.end()),
                            e);
                }
            }
            throw failure(server, e);
        }
    }

    @Override
    public ImageBatch decode(TokenBatch tokens) throws CommandFailedException {
        try {
            return client.decode(model.getName(), model.getVersion(), tokens);
        } catch (TokenizerClientException e) {
            throw failure(server, e);
        }
    }

    private static CommandFailedException failure(String server, TokenizerClientException e) {
        String hint =
                e.code() == Status.Code.UNAVAILABLE
                        ? "; is a tessera server listening there, and does it need TLS (--tls-ca)?"
                        : "";
        return new CommandFailedException("server " + server + ": " + e.getMessage() + hint, e);
    }

    @Override
    public void close() {
        client.close();
    }
}
