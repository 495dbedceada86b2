package dev.tessera.runtime.cli;

import dev.tessera.runtime.Tokenizer;
import dev.tessera.runtime.TokenizerLoadException;
import dev.tessera.runtime.server.ModelRegistry;
import dev.tessera.runtime.server.TokenizerServer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code serve}: opens every model directory, starts the gRPC server and reports what it serves.
 * Owns the server and the models; {@link #close()} stops the server gracefully, then closes the
 * models.
 */
public final class ServeCommand implements AutoCloseable {

    private final ModelRegistry registry;
    private final TokenizerServer server;

    private ServeCommand(ModelRegistry registry, TokenizerServer server) {
        this.registry = registry;
        this.server = server;
    }

    /**
     * Loads the models and starts listening; prints one line per model and the address.
     *
     * @throws TokenizerLoadException naming the directory and the file at fault
     * @throws IOException if the server cannot listen on the address
     */
    public static ServeCommand start(ServeArguments args, PrintStream out) throws IOException {
        ModelRegistry registry = new ModelRegistry();
        try {
            for (Path dir : args.models()) {
                Tokenizer t = open(dir, args);
                registry.register(t);
                out.println(
                        "model "
                                + t.name()
                                + " "
                                + t.version()
                                + ": "
                                + t.manifest().getQuantizer()
                                + ", K="
                                + t.codebookSize()
                                + ", grid "
                                + t.gridHeight()
                                + "x"
                                + t.gridWidth()
                                + ", input "
                                + t.channels()
                                + "x"
                                + t.imageHeight()
                                + "x"
                                + t.imageWidth()
                                + ", "
                                + t.executionProvider()
                                + " ("
                                + dir
                                + ")");
            }
            TokenizerServer server = listen(registry, args);
            out.println("listening on " + server.address());
            out.flush();
            return new ServeCommand(registry, server);
        } catch (IOException | RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    private static Tokenizer open(Path dir, ServeArguments args) {
        try {
            return Tokenizer.open(dir, args.tokenizer());
        } catch (TokenizerLoadException e) {
            throw new TokenizerLoadException(
                    "cannot load tokenizer directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static TokenizerServer listen(ModelRegistry registry, ServeArguments args)
            throws IOException {
        String where = args.server().host() + ":" + args.server().port();
        try {
            return TokenizerServer.start(registry, args.server());
        } catch (IOException e) {
            throw new IOException(
                    "cannot listen on "
                            + where
                            + " ("
                            + rootMessage(e)
                            + "); choose another --port or --host",
                    e);
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    /** The running server. */
    public TokenizerServer server() {
        return server;
    }

    /** Blocks until the server has terminated. */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        server.close();
        registry.close();
    }
}
