package dev.tessera.train.cli;

import dev.tessera.cli.CommandLines;
import dev.tessera.train.model.Architecture;
import dev.tessera.train.model.Backbone;
import dev.tessera.train.pipeline.TrainOptions;
import dev.tessera.train.quantize.FsqConfig;
import dev.tessera.train.quantize.QuantizerConfig;
import dev.tessera.train.quantize.VqConfig;
import dev.tessera.train.quantize.VqEmaConfig;
import dev.tessera.train.train.TrainConfig;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every option of a training run ({@code @Mixin} of {@code train} and {@code compare}; {@code
 * sweep} takes its parts) and their translation into {@link TrainOptions}.
 *
 * <p>A run's settings are also kept as a map from option names (without {@code --}) to the strings
 * given: that is what a {@code --config} file holds, what a checkpoint saves for {@code --resume}
 * and what the manifest records. {@link #parse} reads such a map with the same options, types and
 * refusals as the command line.
 */
public final class TrainSettings {

    static final int DEFAULT_CODEBOOK = 512;
    static final int DEFAULT_STEPS = 1500;

    /** The options of a run, in the order of the help. */
    static final List<OptionSpec> OPTIONS =
            new CommandLine(new Holder()).getCommandSpec().options();

    @Mixin DataSettings data;
    @Mixin ModelSettings model;
    @Mixin RateSettings rate;
    @Mixin QuantizerSettings quantizer;
    @Mixin RunSettings run;
    @Mixin OutputSettings output;

    /** A command of nothing but the settings, to read a map of them. */
    @Command(name = "settings")
    private static final class Holder {
        @Mixin TrainSettings settings;
    }

    /**
     * The training options given on {@code command}'s line, by name without {@code --} (a switch as
     * "true"), in the order of the help.
     */
    static Map<String, String> given(CommandSpec command) {
        Map<String, String> given = new LinkedHashMap<>();
        for (OptionSpec option : OPTIONS) {
            OptionSpec matched = command.findOption(option.longestName());
            List<String> values = matched == null ? List.of() : matched.originalStringValues();
            if (!values.isEmpty()) {
                given.put(
                        option.longestName().substring(2),
                        matched.arity().max() == 0 ? "true" : values.get(values.size() - 1));
            }
        }
        return given;
    }

    /**
     * The settings given on {@code command}'s line over those of its {@code --config} file, if one
     * is named. {@code --epochs} and {@code --steps} are one setting, the budget: when the command
     * line gives either, the file's are dropped.
     */
    static Map<String, String> withConfigFile(CommandSpec command, Path config) {
        Map<String, String> commandLine = given(command);
        if (config == null) {
            return commandLine;
        }
        Map<String, String> merged =
                checked(ConfigFile.read(config, command), command, config.toString());
        if (commandLine.containsKey("epochs") || commandLine.containsKey("steps")) {
            merged.remove("epochs");
            merged.remove("steps");
        }
        merged.putAll(commandLine);
        return merged;
    }

    /**
     * {@code settings} with every name checked against the training options and every switch given
     * as "true" or "false"; the switches that are "false" are left out.
     *
     * @param origin where the settings come from, for the refusals (a file, a checkpoint)
     * @throws ParameterException of {@code command} naming the origin and the setting
     */
    static Map<String, String> checked(
            Map<String, String> settings, CommandSpec command, String origin) {
        Map<String, String> checked = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            OptionSpec option = option(e.getKey());
            if (option == null) {
                throw CommandLines.usageError(
                        command, origin + ": unknown setting \"" + e.getKey() + "\"");
            }
            boolean isSwitch = option.arity().max() == 0;
            if (isSwitch && !e.getValue().equals("true") && !e.getValue().equals("false")) {
                throw CommandLines.usageError(
                        command, origin + ": \"" + e.getKey() + "\" is a switch: true or false");
            }
            if (!isSwitch || e.getValue().equals("true")) {
                checked.put(e.getKey(), e.getValue());
            }
        }
        return checked;
    }

    /**
     * Reads checked settings ({@link #checked}) as the command line would.
     *
     * @param origin where the settings come from, for the refusals
     * @throws ParameterException of {@code command} if a value is not of its option's type
     */
    static TrainSettings parse(Map<String, String> settings, CommandSpec command, String origin) {
        List<String> args = new ArrayList<>();
        for (Map.Entry<String, String> e : checked(settings, command, origin).entrySet()) {
            boolean isSwitch = option(e.getKey()).arity().max() == 0;
            args.add(isSwitch ? "--" + e.getKey() : "--" + e.getKey() + "=" + e.getValue());
        }
        Holder holder = new Holder();
        try {
            new CommandLine(holder).parseArgs(args.toArray(String[]::new));
        } catch (ParameterException e) {
            throw CommandLines.usageError(command, origin + ": " + e.getMessage());
        }
        return holder.settings;
    }

    private static OptionSpec option(String name) {
        for (OptionSpec option : OPTIONS) {
            if (option.longestName().equals("--" + name)) {
                return option;
            }
        }
        return null;
    }

    /**
     * The run these settings describe.
     *
     * @param command the command whose line is wrong if the settings do not fit together
     * @param settings the settings as given, recorded with the run
     * @throws ParameterException of {@code command} naming the option at fault
     */
    TrainOptions options(CommandSpec command, Map<String, String> settings) {
        if (output.out == null) {
            throw CommandLines.usageError(
                    command, "--out DIR is required: where to write the tokenizer directory");
        }
        if (run.epochs != null && run.steps != null) {
            throw CommandLines.usageError(
                    command,
                    "give either --epochs or --steps, not both: both set the training budget");
        }
        try {
            QuantizerConfig quantizerConfig = quantizer(command);
            Backbone backbone = model.backbone(command);
            // Placeholder image shape: the data's replaces it (Architecture.forImages).
            int side = Math.max(32, backbone.downsample());
            Architecture architecture =
                    new Architecture(1, side, side, quantizerConfig.codeDim(), backbone);
            int steps = run.steps != null ? run.steps : DEFAULT_STEPS;
            TrainConfig training =
                    new TrainConfig(
                            steps,
                            run.batchSize,
                            run.optimizer(command),
                            run.seed,
                            4,
                            Math.max(1, steps / 200));
            Path checkpoints =
                    run.noCheckpoints
                            ? null
                            : run.checkpointDir != null
                                    ? run.checkpointDir
                                    : Path.of(output.out + ".checkpoints");
            return new TrainOptions(
                    data.data() != null ? data.data() : "synthetic",
                    data.options(command, run.seed),
                    architecture,
                    quantizerConfig,
                    training,
                    run.epochs != null ? run.epochs : 0,
                    run.device,
                    output.out,
                    output.name,
                    output.version,
                    output.overwrite,
                    checkpoints,
                    new LinkedHashMap<>(settings));
        } catch (IllegalArgumentException e) {
            // A setting out of its range, refused by the configuration it builds.
            throw CommandLines.usageError(command, e.getMessage());
        }
    }

    /** The device the settings name: auto, cpu or gpu. */
    String device() {
        return run.device;
    }

    private QuantizerConfig quantizer(CommandSpec command) {
        String kind = model.quantizer.toLowerCase(Locale.ROOT);
        int k = rate.codebookSize != null ? rate.codebookSize : DEFAULT_CODEBOOK;
        int l = model.codeDim;
        QuantizerSettings q = quantizer;
        return switch (kind) {
            case "gmvq" -> q.gmvq(command, k, l, rate.beta);
            case "vq" -> new VqConfig(k, l, or(q.commitment, 0.25));
            case "vq-ema" -> {
                VqEmaConfig d = VqEmaConfig.defaults(k, l);
                yield new VqEmaConfig(
                        k,
                        l,
                        or(q.commitment, d.commitment()),
                        or(q.emaDecay, d.decay()),
                        d.epsilon(),
                        or(q.deadThreshold, d.deadThreshold()));
            }
            case "fsq" -> fsq(command, k);
            default ->
                    throw CommandLines.usageError(
                            command,
                            "--quantizer must be gmvq, vq, vq-ema or fsq, got '" + kind + "'");
        };
    }

    private FsqConfig fsq(CommandSpec command, int k) {
        String value = quantizer.fsqLevels;
        if (value == null) {
            return FsqConfig.forCodebookSize(k);
        }
        FsqConfig config = new FsqConfig(integers(command, "--fsq-levels", value));
        if (rate.codebookSize != null && config.codebookSize() != k) {
            throw CommandLines.usageError(
                    command,
                    "--fsq-levels "
                            + value
                            + " make "
                            + config.codebookSize()
                            + " codes but --codebook-size is "
                            + k);
        }
        return config;
    }

    private static double or(Double given, double fallback) {
        return given != null ? given : fallback;
    }

    /**
     * A comma-separated list of whole numbers, e.g. {@code --channel-mult 1,2,2}.
     *
     * @throws ParameterException of {@code command} naming {@code option} otherwise
     */
    static int[] integers(CommandSpec command, String option, String value) {
        try {
            return Arrays.stream(value.split(","))
                    .map(String::trim)
                    .mapToInt(Integer::parseInt)
                    .toArray();
        } catch (NumberFormatException e) {
            throw CommandLines.usageError(
                    command,
                    option
                            + " must be comma-separated whole numbers, e.g. "
                            + option(option.substring(2)).paramLabel()
                            + "; got '"
                            + value
                            + "'");
        }
    }
}
