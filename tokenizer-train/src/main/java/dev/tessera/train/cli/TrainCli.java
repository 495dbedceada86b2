package dev.tessera.train.cli;

import dev.tessera.cli.CommandGroup;
import dev.tessera.cli.CommandLines;
import dev.tessera.runtime.artifact.TokenizerLoadException;
import dev.tessera.train.bench.OnnxVsDjlBenchmark;
import dev.tessera.train.bench.TrainSpeedBenchmark;
import dev.tessera.train.data.DataException;
import dev.tessera.train.export.ExportCheckException;
import dev.tessera.train.gpu.GpuSettings;
import dev.tessera.train.train.TrainingDivergedException;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;

/**
 * The one entry point of the trainer jar: {@code tessera train}, {@code eval}, {@code compare},
 * {@code analyze}, {@code sweep}, {@code gpu-setup} and the benchmarks {@code bench-train-speed},
 * {@code bench-onnx-vs-djl} and {@code bench-quantizer-step}.
 *
 * <p>Exit status 0 on success, 2 for a wrong command line, 1 when training, evaluation or export
 * fails; errors are one line, {@code --verbose} adds the stack trace ({@link CommandLines}).
 */
@Command(
        name = "tessera",
        synopsisHeading = "",
        customSynopsis = {
            "usage: tessera train --data PATH --out DIR [options]",
            "       tessera train --resume CHECKPOINT_DIR",
            "       tessera eval --model DIR --data PATH [--split test|train] [--json]",
            "       tessera analyze --model DIR --data PATH [--max-images N] [--json]"
                    + " [--no-report]",
            "       tessera compare --data PATH --out DIR [--quantizers gmvq,vq,vq-ema,fsq]"
                    + " [--seeds 1,2,3] [--reuse] [train options]",
            "       tessera sweep --data PATH --out DIR --beta 0.1,0.3,1,3 [--codebook-size 64,512]"
                    + " [--quantizers gmvq,vq-ema] [--reuse] [train options]",
            "       tessera gpu-setup --djl-source DIR [--libtorch DIR]",
            "       tessera bench-train-speed [options]",
            "       tessera bench-onnx-vs-djl [options]",
            "       tessera bench-quantizer-step --data PATH [--quantizers vq-ema,gmvq] [train"
                    + " options]",
            ""
        },
        commandListHeading = "%ncommands:%n",
        footer = {"", "details: tessera COMMAND --help"})
public final class TrainCli extends CommandGroup {

    private final boolean interactive;

    /**
     * @param out where results, progress and help go
     * @param err where errors go
     */
    public TrainCli(PrintStream out, PrintStream err) {
        this(out, err, false);
    }

    TrainCli(PrintStream out, PrintStream err, boolean interactive) {
        super("the trainer", out, err);
        this.interactive = interactive;
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        // Before anything starts DJL: the libtorch that tessera gpu-setup recorded, if any.
        GpuSettings.applyRecorded(System.err::println);
        new TrainCli(System.out, System.err, System.console() != null).runAndExit(args);
    }

    @Override
    public CommandLine commandLine() {
        CommandLine cl = new CommandLine(this);
        cl.addSubcommand(new TrainCommand(out, interactive));
        cl.addSubcommand(new EvalCommand(out));
        cl.addSubcommand(new CompareCommand(out, err, interactive));
        cl.addSubcommand(new AnalyzeCommand(out, err));
        cl.addSubcommand(new SweepCommand(out, err, interactive));
        cl.addSubcommand(new GpuSetupCommand(out, System.getenv()));
        cl.addSubcommand(new TrainSpeedBenchmark(out));
        cl.addSubcommand(new OnnxVsDjlBenchmark(out));
        cl.addSubcommand(new QuantizerStepBenchmark(out));
        return configure(cl, out, err);
    }

    /**
     * {@code cl} behind the error boundary, with the trainer's user errors: their message is the
     * sentence, without a stack trace.
     */
    static CommandLine configure(CommandLine cl, PrintStream out, PrintStream err) {
        return CommandLines.configure(
                cl,
                out,
                err,
                TrainingDivergedException.class,
                DataException.class,
                ExportCheckException.class,
                TokenizerLoadException.class,
                IOException.class,
                UncheckedIOException.class,
                IllegalStateException.class,
                IllegalArgumentException.class);
    }
}
