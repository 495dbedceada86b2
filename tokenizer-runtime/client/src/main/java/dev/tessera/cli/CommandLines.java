package dev.tessera.cli;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExecutionStrategy;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.RunLast;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;

/**
 * The one error boundary of Tessera's command lines, around picocli. Every jar's entry point (a
 * {@link CommandGroup}) sets up its command line with {@link #configure} and runs it with {@link
 * CommandLine#execute}:
 *
 * <ul>
 *   <li>a wrong command line prints {@code error: COMMAND: SENTENCE} and {@code run 'tessera
 *       COMMAND --help' for usage}, and exits with status {@value #USAGE};
 *   <li>a {@link CommandFailedException}, or an exception of a type the jar names as a user error,
 *       prints {@code error: MESSAGE} and exits with status {@value #FAILED};
 *   <li>any other exception prints {@code error: unexpected TYPE: MESSAGE} and exits with status
 *       {@value #FAILED};
 *   <li>the stack trace follows an error only with {@code --verbose} ({@link CommonOptions}).
 * </ul>
 *
 * <p>Options whose {@code int} field carries {@link IntRange} are checked before the command runs.
 * Help lists options as {@code --name VALUE}; {@code --name=VALUE} is accepted too.
 */
public final class CommandLines {

    /** Exit status of a command that failed. */
    public static final int FAILED = 1;

    /** Exit status of a wrong command line. */
    public static final int USAGE = 2;

    private static final int HELP_WIDTH = 100;

    private CommandLines() {}

    /**
     * A command line for {@code command} (a picocli {@code @Command} object) that prints results
     * and help to {@code out} and errors to {@code err}.
     *
     * @param userErrors exception types whose message is a sentence for the user, besides {@link
     *     CommandFailedException}
     */
    @SafeVarargs
    public static CommandLine create(
            Object command,
            PrintStream out,
            PrintStream err,
            Class<? extends Throwable>... userErrors) {
        return configure(new CommandLine(command), out, err, userErrors);
    }

    /**
     * {@code cl} and every subcommand it has by now, set up as {@link #create} sets up a new one:
     * for commands whose subcommands are added as objects. Add them first: picocli gives a
     * subcommand added later its own defaults.
     *
     * @param userErrors as for {@link #create}
     */
    @SafeVarargs
    public static CommandLine configure(
            CommandLine cl,
            PrintStream out,
            PrintStream err,
            Class<? extends Throwable>... userErrors) {
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setUsageHelpWidth(HELP_WIDTH);
        cl.setHelpFactory(SpacedLabels::new);
        cl.setParameterExceptionHandler(new UsageErrors());
        cl.setExecutionExceptionHandler(new Failures(List.of(userErrors)));
        cl.setExecutionStrategy(new RangeChecked(new RunLast()));
        return cl;
    }

    /**
     * A wrong command line, reported like picocli's own refusals.
     *
     * @param spec the command whose line is wrong ({@code @Spec CommandSpec spec;})
     * @param sentence what is wrong and what to give instead, without the command's name
     */
    public static ParameterException usageError(
            CommandLine.Model.CommandSpec spec, String sentence) {
        return new ParameterException(spec.commandLine(), sentence);
    }

    /** A file-system failure as a few words: the JDK's messages are often only the path. */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException || e instanceof FileAlreadyExistsException) {
            return "a file is in the way of a directory";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** {@code COMMAND: } for a subcommand, nothing for the top command. */
    private static String prefix(CommandLine cl) {
        return cl.getParent() == null ? "" : cl.getCommandName() + ": ";
    }

    private static String name(ArgSpec arg) {
        return arg instanceof OptionSpec o ? o.longestName() : arg.paramLabel();
    }

    private static IntRange range(ArgSpec arg) {
        return arg.userObject() instanceof Field f ? f.getAnnotation(IntRange.class) : null;
    }

    private static String rangeRefusal(ArgSpec arg, IntRange range, Object value) {
        return name(arg)
                + " expects an integer in "
                + range.min()
                + ".."
                + range.max()
                + ", got \""
                + value
                + "\"";
    }

    /** Wrong command lines: one sentence, the usage hint, status 2. */
    private static final class UsageErrors implements IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException ex, String[] args) {
            CommandLine cl = ex.getCommandLine();
            PrintWriter err = cl.getErr();
            err.println("error: " + prefix(cl) + sentence(ex));
            err.println("run '" + cl.getCommandSpec().qualifiedName() + " --help' for usage");
            err.flush();
            return USAGE;
        }

        private static String sentence(ParameterException ex) {
            if (ex instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
                String arg = u.getUnmatched().get(0);
                if (arg.startsWith("-")) {
                    int eq = arg.indexOf('=');
                    return "unknown option \"" + (eq > 0 ? arg.substring(0, eq) : arg) + "\"";
                }
                return "unexpected argument \"" + arg + "\"";
            }
            if (ex instanceof OverwrittenOptionException o) {
                return name(o.getOverwritten()) + " is given twice; give it once";
            }
            if (ex instanceof MissingParameterException m && !m.getMissing().isEmpty()) {
                ArgSpec arg = m.getMissing().get(0);
                return ex.getMessage().startsWith("Missing required option")
                        ? "expected " + name(arg) + " " + arg.paramLabel()
                        : name(arg) + " expects a value";
            }
            ArgSpec arg = ex.getArgSpec();
            if (arg != null && ex.getValue() != null && ex.getCause() != null) {
                if (arg instanceof OptionSpec o && o.arity().max() == 0) {
                    return name(arg) + " takes no value";
                }
                IntRange range = range(arg);
                if (range != null) {
                    return rangeRefusal(arg, range, ex.getValue());
                }
                return name(arg) + ": cannot read \"" + ex.getValue() + "\" as " + arg.paramLabel();
            }
            return ex.getMessage();
        }
    }

    /** Refuses {@link IntRange} violations of the command about to run, as wrong command lines. */
    private record RangeChecked(IExecutionStrategy next) implements IExecutionStrategy {
        @Override
        public int execute(ParseResult parseResult) {
            for (ParseResult r = parseResult; r != null; r = r.subcommand()) {
                for (OptionSpec option : r.matchedOptions()) {
                    IntRange range = range(option);
                    Object value = option.getValue();
                    if (range != null
                            && value instanceof Integer i
                            && (i < range.min() || i > range.max())) {
                        throw new ParameterException(
                                r.commandSpec().commandLine(), rangeRefusal(option, range, i));
                    }
                }
            }
            return next.execute(parseResult);
        }
    }

    /** Failures of a command that ran: one line, the stack trace with --verbose, status 1. */
    private record Failures(List<Class<? extends Throwable>> userErrors)
            implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
            if (ex instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            boolean verbose = false;
            for (ParseResult r = parsed; r != null; r = r.subcommand()) {
                verbose |= r.hasMatchedOption(CommonOptions.VERBOSE);
            }
            PrintWriter err = cl.getErr();
            if (expected(ex)) {
                err.println("error: " + ex.getMessage());
            } else {
                err.println(
                        "error: unexpected "
                                + ex.getClass().getSimpleName()
                                + ": "
                                + ex.getMessage()
                                + (verbose ? "" : " (run with --verbose for details)"));
            }
            if (verbose) {
                ex.printStackTrace(err);
            }
            err.flush();
            return FAILED;
        }

        private boolean expected(Exception ex) {
            return ex instanceof CommandFailedException
                    || userErrors.stream().anyMatch(type -> type.isInstance(ex));
        }
    }

    /** Help that shows {@code --name VALUE} rather than picocli's {@code --name=VALUE}. */
    private static final class SpacedLabels extends Help {
        SpacedLabels(CommandLine.Model.CommandSpec spec, ColorScheme colors) {
            super(spec, colors);
        }

        @Override
        public IParamLabelRenderer parameterLabelRenderer() {
            IParamLabelRenderer labels = super.parameterLabelRenderer();
            return new IParamLabelRenderer() {
                @Override
                public Ansi.Text renderParameterLabel(
                        ArgSpec arg, Ansi ansi, List<Ansi.IStyle> styles) {
                    Ansi.Text text = labels.renderParameterLabel(arg, ansi, styles);
                    String plain = text.plainString();
                    return plain.startsWith("=") ? ansi.new Text(" " + plain.substring(1)) : text;
                }

                @Override
                public String separator() {
                    return " ";
                }
            };
        }
    }
}
