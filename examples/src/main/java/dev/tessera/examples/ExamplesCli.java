package dev.tessera.examples;

import dev.tessera.cli.CommandGroup;
import dev.tessera.cli.CommandLines;
import dev.tessera.examples.generate.GenerateCommand;
import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.artifact.TokenizerLoadException;
import dev.tessera.runtime.client.TokenizerClientException;
import dev.tessera.train.api.Devices;
import dev.tessera.train.api.ImageDataException;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;

/**
 * The one entry point of the examples jar: {@code tessera demo} (train, serve and query a small
 * tokenizer end to end) and {@code tessera generate} (a transformer prior over token grids).
 *
 * <p>Exit status 0 on success, 2 for a wrong command line, 1 when a step fails; errors are one
 * line, {@code --verbose} adds the stack trace ({@link CommandLines}).
 */
@Command(
        name = "tessera",
        synopsisHeading = "",
        customSynopsis = {
            "usage: tessera demo [options]",
            "       tessera generate (--model DIR | --server HOST:PORT) --data PATH [options]",
            ""
        },
        commandListHeading = "%ncommands:%n",
        footer = {"", "details: tessera demo --help, tessera generate --help"})
public final class ExamplesCli extends CommandGroup {

    /**
     * @param out where results and help go
     * @param err where errors go
     */
    public ExamplesCli(PrintStream out, PrintStream err) {
        super("the examples jar", out, err);
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        // Before anything starts DJL: the libtorch that tessera gpu-setup recorded, if any.
        Devices.applyRecordedGpuSettings(System.err::println);
        new ExamplesCli(System.out, System.err).runAndExit(args);
    }

    @Override
    public CommandLine commandLine() {
        CommandLine cl = new CommandLine(this);
        cl.addSubcommand(new DemoCommand(out));
        cl.addSubcommand(new GenerateCommand(out));
        return CommandLines.configure(
                cl,
                out,
                err,
                ImageDataException.class,
                TokenizerLoadException.class,
                TokenizerClientException.class,
                InvalidInputException.class,
                IllegalArgumentException.class,
                IOException.class,
                UncheckedIOException.class);
    }
}
