package dev.tessera.runtime.cli;

import dev.tessera.cli.CommandLines;
import dev.tessera.cli.CommonOptions;
import dev.tessera.runtime.bench.LibraryBenchmark;
import dev.tessera.runtime.bench.ServeBenchmark;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/**
 * The one entry point of the server jar: {@code serve} tokenizer directories over gRPC, {@code
 * encode} and {@code decode} image files and token files, {@code export-triton} a tokenizer as a
 * Triton model repository, and the benchmarks {@code bench-library} and {@code bench-serve}.
 *
 * <p>Exit status 0 on success, 2 for a wrong command line, 1 when a model cannot be loaded, an
 * input is refused or the server cannot start; errors are one line, {@code --verbose} adds the
 * stack trace ({@link CommandLines}).
 */
@Command(
        name = "tessera",
        synopsisHeading = "",
        customSynopsis = {
            "usage: tessera serve --model DIR [--model DIR ...] [--models REPOSITORY] [options]",
            "       tessera encode (--model DIR | --server HOST:PORT) --out FILE IMAGE...",
            "       tessera decode (--model DIR | --server HOST:PORT) --tokens FILE --out-dir DIR",
            "       tessera export-triton --model DIR --out REPOSITORY [options]",
            "       tessera bench-library --model DIR [options]",
            "       tessera bench-serve --target HOST:PORT [options]",
            ""
        },
        commandListHeading = "%ncommands:%n",
        footer = {
            "",
            "details: tessera serve --help, tessera encode --help, tessera decode --help,"
                    + " tessera export-triton --help, tessera bench-library --help,"
                    + " tessera bench-serve --help"
        })
public final class RuntimeCli implements Callable<Integer> {

    private final PrintStream out;
    private final PrintStream err;

    @Spec private CommandSpec spec;

    @Mixin private CommonOptions common;

    @Parameters(arity = "0..1", hidden = true)
    private String unknown;

    /**
     * @param out where results and help go
     * @param err where errors go
     */
    public RuntimeCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Runs the command line and exits with its status (blocks while serving). */
    public static void main(String[] args) {
        int status = new RuntimeCli(System.out, System.err).run(args);
        System.out.flush();
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Runs one command line; {@code serve} blocks until the JVM is asked to stop.
     *
     * @return the exit status
     */
    public int run(String... args) {
        return commandLine().execute(args);
    }

    /** The command line with every subcommand, behind the error boundary. */
    public CommandLine commandLine() {
        CommandLine cl = new CommandLine(this);
        cl.addSubcommand(new ServeOptions(out, err));
        cl.addSubcommand(new EncodeCommand(out));
        cl.addSubcommand(new DecodeCommand(out));
        cl.addSubcommand(new ExportTritonCommand(out));
        cl.addSubcommand(new LibraryBenchmark(out));
        cl.addSubcommand(new ServeBenchmark(out));
        return CommandLines.configure(cl, out, err);
    }

    /** Without a command: the usage, as an error. */
    @Override
    public Integer call() {
        if (unknown != null) {
            throw CommandLines.usageError(
                    spec,
                    "unknown command \""
                            + unknown
                            + "\"; the runtime has: "
                            + String.join(", ", spec.subcommands().keySet()));
        }
        spec.commandLine().usage(err);
        return CommandLines.USAGE;
    }
}
