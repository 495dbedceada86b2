package dev.tessera.runtime.cli;

import dev.tessera.cli.CommandGroup;
import dev.tessera.cli.CommandLines;
import dev.tessera.runtime.bench.LibraryBenchmark;
import dev.tessera.runtime.bench.ServeBenchmark;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;

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
public final class RuntimeCli extends CommandGroup {

    /**
     * @param out where results and help go
     * @param err where errors go
     */
    public RuntimeCli(PrintStream out, PrintStream err) {
        super("the runtime", out, err);
    }

    /** Runs the command line and exits with its status (blocks while serving). */
    public static void main(String[] args) {
        new RuntimeCli(System.out, System.err).runAndExit(args);
    }

    @Override
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
}
