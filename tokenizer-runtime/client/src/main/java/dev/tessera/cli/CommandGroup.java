package dev.tessera.cli;

import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/**
 * The entry point of a jar whose work is done by subcommands ({@code tessera serve}, {@code tessera
 * train}, ...): without a command it prints its usage as an error, and an unknown command is a
 * wrong command line that lists the known ones. A subclass carries the {@code @Command} annotation
 * (name, synopsis, footer) and adds its subcommands in {@link #commandLine}.
 */
public abstract class CommandGroup implements Callable<Integer> {

    private final String owner;

    /** Where results and help go. */
    protected final PrintStream out;

    /** Where errors go. */
    protected final PrintStream err;

    @Spec private CommandSpec spec;

    @Mixin private CommonOptions common;

    @Parameters(arity = "0..1", hidden = true)
    private String unknown;

    /**
     * @param owner what the jar is, for the list of its commands ("the runtime", "the trainer")
     * @param out where results and help go
     * @param err where errors go
     */
    protected CommandGroup(String owner, PrintStream out, PrintStream err) {
        this.owner = owner;
        this.out = out;
        this.err = err;
    }

    /** The command line with every subcommand, behind the error boundary ({@link CommandLines}). */
    public abstract CommandLine commandLine();

    /**
     * Runs one command line.
     *
     * @return the exit status
     */
    public int run(String... args) {
        return commandLine().execute(args);
    }

    /** Runs the process's command line and exits with its status. */
    protected final void runAndExit(String... args) {
        int status = run(args);
        out.flush();
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Without a command: the usage, as an error. */
    @Override
    public Integer call() {
        if (unknown != null) {
            throw CommandLines.usageError(
                    spec,
                    "unknown command \""
                            + unknown
                            + "\"; "
                            + owner
                            + " has: "
                            + String.join(", ", spec.subcommands().keySet()));
        }
        spec.commandLine().usage(err);
        return CommandLines.USAGE;
    }
}
