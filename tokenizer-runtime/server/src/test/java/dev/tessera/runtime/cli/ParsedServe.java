package dev.tessera.runtime.cli;

import picocli.CommandLine;

import java.util.List;

/** The settings {@code serve} makes of a command line, without starting anything. */
final class ParsedServe {

    private ParsedServe() {}

    static ServeSettings parse(List<String> args) {
        ServeOptions options = new ServeOptions(System.out, System.err);
        new CommandLine(options).parseArgs(args.toArray(String[]::new));
        return options.settings();
    }
}
