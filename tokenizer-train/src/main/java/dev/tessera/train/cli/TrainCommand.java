package dev.tessera.train.cli;

import dev.tessera.cli.CommandLines;
import dev.tessera.cli.CommonOptions;
import dev.tessera.train.pipeline.TrainOptions;
import dev.tessera.train.pipeline.TrainingJob;
import dev.tessera.train.train.Checkpoint;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code tessera train}: one training run, from the command line, a config file or a checkpoint.
 */
@Command(
        name = "train",
        sortOptions = false,
        synopsisHeading = "",
        customSynopsis = {
            "usage: tessera train --data PATH --out DIR [options]",
            "       tessera train --resume CHECKPOINT_DIR",
            ""
        },
        description = {
            "Trains a tokenizer and exports it as a tokenizer directory.",
            "",
            "Trains an image tokenizer, evaluates it on the test split, and exports a tokenizer"
                    + " directory (encoder.onnx, decoder.onnx, codebook.npy, tessera.json,"
                    + " report.html) after checking that the ONNX graphs reproduce the trained"
                    + " model.",
            ""
        })
final class TrainCommand implements Callable<Integer> {

    /** What may change when a run is resumed: where its output goes and how it is shown. */
    private static final Set<String> RESUMABLE = Set.of("device", "overwrite");

    private final PrintStream out;
    private final boolean interactive;

    @Spec private CommandSpec spec;

    @Mixin private TrainSettings settings;

    @Mixin private ConfigFile config;

    @Option(
            names = "--resume",
            paramLabel = "DIR",
            description =
                    "continue the run checkpointed in DIR with its saved settings (only --device,"
                            + " --overwrite and --verbose may be given with it)")
    private Path resume;

    @Mixin private CommonOptions common;

    TrainCommand(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    @Override
    public Integer call() throws IOException {
        Checkpoint checkpoint = null;
        if (resume != null) {
            refuseChangesToTheRun();
            checkpoint = Checkpoint.load(resume);
        }
        TrainOptions options = options(checkpoint);
        TrainingJob.Result result =
                new TrainingJob(options, out::println, new ProgressBar(out, interactive))
                        .run(checkpoint);
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
        return 0;
    }

    /**
     * The run: the checkpoint's when resuming (with {@code --device} and {@code --overwrite} from
     * the command line), else the command line's over its {@code --config} file's.
     */
    TrainOptions options(Checkpoint checkpoint) {
        Map<String, String> given;
        String origin;
        if (checkpoint != null) {
            origin = resume + " settings";
            given = TrainSettings.checked(savedSettings(checkpoint), spec, origin);
            given.putAll(TrainSettings.given(spec));
        } else {
            origin = config.file() != null ? config.file().toString() : "the command line";
            given = TrainSettings.withConfigFile(spec, config.file());
        }
        return TrainSettings.parse(given, spec, origin).options(spec, given);
    }

    /**
     * Refuses every option but those a resumed run may change, where its output goes and how it is
     * shown: the continued run is the run that was started.
     */
    private void refuseChangesToTheRun() {
        for (String name : TrainSettings.given(spec).keySet()) {
            if (!RESUMABLE.contains(name)) {
                throw refusal(name);
            }
        }
        if (config.file() != null) {
            throw refusal("config");
        }
    }

    private RuntimeException refusal(String name) {
        return CommandLines.usageError(
                spec,
                "--resume takes every setting from the checkpoint; drop --"
                        + name
                        + " (only --device, --overwrite and --verbose may be given)");
    }

    /** The checkpoint's settings, writing to it again as the run did. */
    private Map<String, String> savedSettings(Checkpoint checkpoint) {
        Map<String, String> saved = new LinkedHashMap<>(checkpoint.settings());
        saved.put("checkpoint-dir", resume.toString());
        saved.remove("no-checkpoints");
        // Saved by runs before the settings were only the training options.
        saved.remove("verbose");
        return saved;
    }
}
