package dev.tessera.examples.spark;

import dev.tessera.cli.CommandGroup;
import dev.tessera.cli.CommandLines;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;

/**
 * The one entry point of the Spark job's jar: {@code spark-tokenize} (a data set to Parquet rows of
 * tokens) and {@code bench-spark} (the job's throughput next to the in-process library). Under
 * spark-submit the command is the first argument after the jar.
 *
 * <p>Exit status 0 on success, 2 for a wrong command line, 1 when the job fails; errors are one
 * line, {@code --verbose} adds the stack trace ({@link CommandLines}).
 */
@Command(
        name = "tessera",
        synopsisHeading = "",
        customSynopsis = {
            "usage: tessera spark-tokenize --data PATH --model DIR --out DIR [options]",
            "       tessera bench-spark --data PATH --model DIR [options]",
            ""
        },
        commandListHeading = "%ncommands:%n",
        footer = {"", "details: tessera spark-tokenize --help, tessera bench-spark --help"})
public final class SparkCli extends CommandGroup {

    /**
     * @param out where results and help go
     * @param err where errors go
     */
    public SparkCli(PrintStream out, PrintStream err) {
        super("the Spark jar", out, err);
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        new SparkCli(System.out, System.err).runAndExit(args);
    }

    @Override
    public CommandLine commandLine() {
        CommandLine cl = new CommandLine(this);
        cl.addSubcommand(new SparkTokenizeCommand(out));
        cl.addSubcommand(new SparkTokenizeBenchmark(out));
        return CommandLines.configure(cl, out, err);
    }
}
