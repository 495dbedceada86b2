package dev.tessera.cli;

import picocli.CommandLine.Option;

/**
 * The options every Tessera command has ({@code @Mixin CommonOptions common;}): {@code --help} and
 * {@code --verbose}, which {@link CommandLines} reads to decide whether an error shows its stack
 * trace.
 */
public final class CommonOptions {

    /** The option that adds stack traces to errors. */
    public static final String VERBOSE = "--verbose";

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "print this help")
    private boolean help;

    @Option(names = VERBOSE, description = "print stack traces with errors")
    private boolean verbose;

    /** Whether {@code --verbose} was given. */
    public boolean verbose() {
        return verbose;
    }
}
