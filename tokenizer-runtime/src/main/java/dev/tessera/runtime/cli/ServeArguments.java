package dev.tessera.runtime.cli;

import dev.tessera.runtime.TokenizerOptions;
import dev.tessera.runtime.server.ServerConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The parsed arguments of {@code serve}.
 *
 * @param models tokenizer directories to serve, at least one
 * @param server where to listen and the request limits
 * @param tokenizer how to run the models
 * @param verbose print stack traces with errors
 */
public record ServeArguments(
        List<Path> models, ServerConfig server, TokenizerOptions tokenizer, boolean verbose) {

    private static final Set<String> VALUED =
            Set.of("--model", "--host", "--port", "--max-batch", "--threads");

    /** Validates that at least one model is given and copies the list. */
    public ServeArguments {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(tokenizer, "tokenizer");
        models = List.copyOf(models);
        if (models.isEmpty()) {
            throw new IllegalArgumentException("models: expected at least one tokenizer directory");
        }
    }

    /**
     * Parses the arguments after {@code serve}: {@code --model DIR} (repeatable, required), {@code
     * --host H}, {@code --port P}, {@code --max-batch N}, {@code --threads N}, {@code --cuda},
     * {@code --verbose}; {@code --name=value} works too.
     *
     * @throws UsageException naming the offending option
     */
    public static ServeArguments parse(List<String> args) throws UsageException {
        List<Path> models = new ArrayList<>();
        ServerConfig server = ServerConfig.defaults();
        TokenizerOptions tokenizer = TokenizerOptions.defaults();
        boolean verbose = false;
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            String inline = null;
            int eq = option.indexOf('=');
            if (option.startsWith("--") && eq > 0) {
                inline = option.substring(eq + 1);
                option = option.substring(0, eq);
            }
            if (option.equals("--cuda") || option.equals("--verbose")) {
                if (inline != null) {
                    throw new UsageException("serve: " + option + " takes no value");
                }
                tokenizer = option.equals("--cuda") ? tokenizer.withCuda(true) : tokenizer;
                verbose |= option.equals("--verbose");
                continue;
            }
            if (!VALUED.contains(option)) {
                throw new UsageException("serve: unknown option \"" + option + "\"");
            }
            String value = inline != null ? inline : i + 1 < args.size() ? args.get(++i) : "";
            if (value.isEmpty() || (inline == null && value.startsWith("--"))) {
                throw new UsageException("serve: " + option + " expects a value");
            }
            switch (option) {
                case "--model" -> models.add(Path.of(value));
                case "--host" -> server = host(server, value);
                case "--port" -> server = server.withPort(integer(option, value, 0, 65535));
                case "--max-batch" ->
                        server = server.withMaxBatch(integer(option, value, 1, 1 << 20));
                case "--threads" ->
                        tokenizer = tokenizer.withIntraOpThreads(integer(option, value, 0, 4096));
                default -> throw new IllegalStateException("option without a case: " + option);
            }
        }
        if (models.isEmpty()) {
            throw new UsageException(
                    "serve: expected at least one --model DIR (a tokenizer directory)");
        }
        return new ServeArguments(models, server, tokenizer, verbose);
    }

    private static ServerConfig host(ServerConfig server, String host) throws UsageException {
        if (host.isBlank()) {
            throw new UsageException(
                    "serve: --host expects an address such as 127.0.0.1 or 0.0.0.0");
        }
        return server.withHost(host);
    }

    private static int integer(String option, String text, int min, int max) throws UsageException {
        try {
            int v = Integer.parseInt(text);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below, with the accepted range
        }
        throw new UsageException(
                "serve: "
                        + option
                        + " expects an integer in "
                        + min
                        + ".."
                        + max
                        + ", got \""
                        + text
                        + "\"");
    }
}
