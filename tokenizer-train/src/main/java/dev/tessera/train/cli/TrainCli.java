package dev.tessera.train.cli;

import dev.tessera.train.data.DataException;
import dev.tessera.train.export.ExportCheckException;
import dev.tessera.train.gpu.GpuSettings;
import dev.tessera.train.pipeline.TrainOptions;
import dev.tessera.train.pipeline.TrainingJob;
import dev.tessera.train.train.Checkpoint;
import dev.tessera.train.train.TrainingDivergedException;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Command line of the trainer jar: {@code tessera train}, {@code eval}, {@code compare}, {@code
 * analyze} and {@code sweep}. Exit status 0 on success, 2 for a wrong command line, 1 when
 * training, evaluation or export fails. Errors are one sentence; {@code --verbose} adds the stack
 * trace.
 */
public final class TrainCli {

    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;

    public TrainCli(PrintStream out, PrintStream err) {
        this(out, err, false);
    }

    TrainCli(PrintStream out, PrintStream err, boolean interactive) {
        this.out = out;
        this.err = err;
        this.interactive = interactive;
    }

    public static void main(String[] args) {
        // Before anything starts DJL: the libtorch that tessera gpu-setup recorded, if any.
        GpuSettings.applyRecorded(System.err::println);
        int status = new TrainCli(System.out, System.err, System.console() != null).run(args);
        System.exit(status);
    }

    /** Runs one command line and returns its exit status. */
    public int run(String... args) {
        if (args.length == 0 || Set.of("help", "--help", "-h").contains(args[0])) {
            out.print(TrainUsage.TRAIN);
            out.print(TrainUsage.OTHERS);
            return args.length == 0 ? 2 : 0;
        }
        String command = args[0];
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        boolean verbose = Arrays.asList(args).contains("--verbose");
        try {
            return switch (command) {
                case "train" -> train(rest);
                case "eval" -> new EvalCommand(out).run(rest);
                case "compare" -> new CompareCommand(out, err, interactive).run(rest);
                case "analyze" -> new AnalyzeCommand(out, err).run(rest);
                case "sweep" -> new SweepCommand(out, err, interactive).run(rest);
                case "gpu-setup" -> new GpuSetupCommand(out, System.getenv()).run(rest);
                default -> {
                    err.println(
                            "tessera: unknown command '"
                                    + command
                                    + "' for the trainer; try: tessera train --help");
                    yield 2;
                }
            };
        } catch (IllegalArgumentException e) {
            return fail(command, e, verbose, 2);
        } catch (TrainingDivergedException
                | DataException
                | ExportCheckException
                | IOException
                | UncheckedIOException
                | IllegalStateException e) {
            return fail(command, e, verbose, 1);
        }
    }

    private int train(String[] args) throws IOException {
        Set<String> valued = new HashSet<>(TrainSettings.VALUED);
        valued.add("resume");
        Set<String> switches = new HashSet<>(TrainSettings.SWITCHES);
        switches.addAll(Set.of("verbose", "help"));
        Flags flags = Flags.parse(args, valued, switches);
        if (flags.has("help")) {
            out.print(TrainUsage.TRAIN);
            return 0;
        }
        Checkpoint resume = null;
        if (flags.has("resume")) {
            Path dir = Path.of(flags.string("resume", ""));
            resume = Checkpoint.load(dir);
            flags = resumedFlags(flags, resume, dir);
        } else {
            flags = TrainSettings.withConfigFile(flags);
        }
        TrainOptions options = TrainSettings.options(flags);
        TrainingJob.Result result =
                new TrainingJob(options, out::println, new ProgressBar(out, interactive))
                        .run(resume);
        printResult(result);
        return 0;
    }

    /**
     * The settings saved in the checkpoint; only where the run's output goes and how it is shown
     * may change on the command line, so the continued run is the run that was started.
     */
    private static Flags resumedFlags(Flags commandLine, Checkpoint checkpoint, Path dir) {
        Set<String> allowed = Set.of("resume", "verbose", "device", "overwrite");
        for (String name : commandLine.values().keySet()) {
            if (!allowed.contains(name)) {
                throw new Flags.UsageException(
                        "--resume takes every setting from the checkpoint; drop --"
                                + name
                                + " (only --device, --overwrite and --verbose may be given)");
            }
        }
        Map<String, String> saved = new java.util.LinkedHashMap<>(checkpoint.settings());
        saved.put("checkpoint-dir", dir.toString());
        saved.remove("no-checkpoints");
        commandLine
                .values()
                .forEach(
                        (k, v) -> {
                            if (!k.equals("resume") && !k.equals("verbose")) {
                                saved.put(k, v);
                            }
                        });
        return Flags.of(saved, TrainSettings.VALUED, TrainSettings.SWITCHES, dir + " settings");
    }

    private int fail(String command, Exception e, boolean verbose, int status) {
        err.println("tessera " + command + ": " + e.getMessage());
        if (verbose) {
            e.printStackTrace(err);
        }
        return status;
    }

    private void printResult(TrainingJob.Result result) {
        Map<String, Double> m = result.metrics();
        out.printf(
                "test split: mse %.5f  psnr %.2f dB  perplexity %.1f  usage %.3f  dead codes"
                        + " %.0f%n",
                m.get("mse"),
                m.get("psnr"),
                m.get("perplexity"),
                m.get("usage"),
                m.get("dead_codes"));
        out.println("wrote " + result.directory() + " (report: report.html)");
    }
}
