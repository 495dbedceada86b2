package dev.tessera.train.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import dev.tessera.train.data.DataOptions;
import dev.tessera.train.data.ResizeMode;
import dev.tessera.train.model.Architecture;
import dev.tessera.train.model.Backbone;
import dev.tessera.train.model.ConvBackbone;
import dev.tessera.train.model.ResNetBackbone;
import dev.tessera.train.pipeline.TrainOptions;
import dev.tessera.train.quantize.FsqConfig;
import dev.tessera.train.quantize.GmVqConfig;
import dev.tessera.train.quantize.GradientEstimator;
import dev.tessera.train.quantize.PosteriorVarianceMode;
import dev.tessera.train.quantize.QuantizerConfig;
import dev.tessera.train.quantize.VqConfig;
import dev.tessera.train.quantize.VqEmaConfig;
import dev.tessera.train.train.OptimizerConfig;
import dev.tessera.train.train.TrainConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The settings of a training run as flags ({@code tessera train}'s options, a {@code --config} JSON
 * file with the same keys, or the settings saved in a checkpoint) and their translation into {@link
 * TrainOptions}.
 */
public final class TrainSettings {

    /** Flags that take a value. */
    public static final Set<String> VALUED =
            Set.of(
                    "data",
                    "image-size",
                    "channels",
                    "resize",
                    "test-fraction",
                    "train-images",
                    "test-images",
                    "quantizer",
                    "codebook-size",
                    "code-dim",
                    "arch",
                    "width",
                    "depth",
                    "downsample",
                    "residual-blocks",
                    "channel-mult",
                    "blocks-per-level",
                    "beta",
                    "gamma",
                    "tau0",
                    "tau-min",
                    "posterior-variance",
                    "posterior-variance-end",
                    "posterior-variance-mode",
                    "estimator",
                    "noise-variance",
                    "commitment",
                    "ema-decay",
                    "dead-threshold",
                    "fsq-levels",
                    "epochs",
                    "steps",
                    "batch-size",
                    "lr",
                    "warmup-steps",
                    "lr-floor",
                    "adam-betas",
                    "weight-decay",
                    "clip-grad-norm",
                    "seed",
                    "device",
                    "out",
                    "name",
                    "version",
                    "checkpoint-dir",
                    "config");

    /** Flags that take no value. */
    public static final Set<String> SWITCHES =
            Set.of(
                    "soft-gumbel",
                    "learn-posterior-variance",
                    "attention",
                    "skip-bad-files",
                    "overwrite",
                    "no-checkpoints");

    static final int DEFAULT_CODEBOOK = 512;
    static final int DEFAULT_STEPS = 1500;
    static final double DEFAULT_LR = 2e-3;
    static final String DEFAULT_CHANNEL_MULT = "1,2,2";
    static final int DEFAULT_RESNET_WIDTH = 32;

    private TrainSettings() {}

    /** The command-line flags over those of their {@code --config} file, if one is named. */
    public static Flags withConfigFile(Flags commandLine) throws IOException {
        if (!commandLine.has("config")) {
            return commandLine;
        }
        Path file = Path.of(commandLine.string("config", ""));
        Map<String, String> fromFile = readJson(file);
        // --epochs and --steps are one setting, the budget: the command line's wins.
        if (commandLine.has("epochs") || commandLine.has("steps")) {
            fromFile.remove("epochs");
            fromFile.remove("steps");
        }
        return commandLine.over(Flags.of(fromFile, VALUED, SWITCHES, file.toString()));
    }

    /** A flat JSON object of settings as strings. */
    static Map<String, String> readJson(Path file) throws IOException {
        JsonObject object;
        try {
            JsonElement root = JsonParser.parseString(Files.readString(file));
            if (!root.isJsonObject()) {
                throw new Flags.UsageException(
                        file + ": expected a JSON object of settings, e.g. {\"epochs\": 5}");
            }
            object = root.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new Flags.UsageException(file + " is not valid JSON: " + e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : object.entrySet()) {
            JsonElement v = e.getValue();
            if (!v.isJsonPrimitive()) {
                throw new Flags.UsageException(
                        file + ": \"" + e.getKey() + "\" must be a string, number or boolean");
            }
            out.put(e.getKey(), v.getAsString());
        }
        return out;
    }

    /** The run the flags describe. */
    public static TrainOptions options(Flags flags) {
        if (!flags.has("out")) {
            throw new Flags.UsageException(
                    "--out DIR is required: where to write the tokenizer directory");
        }
        if (flags.has("epochs") && flags.has("steps")) {
            throw new Flags.UsageException(
                    "give either --epochs or --steps, not both: both set the training budget");
        }
        long seed = flags.longValue("seed", 7);
        QuantizerConfig quantizer = quantizer(flags);
        Backbone backbone = backbone(flags);
        // Placeholder image shape: the data's replaces it (Architecture.forImages).
        int side = Math.max(32, backbone.downsample());
        Architecture architecture = new Architecture(1, side, side, quantizer.codeDim(), backbone);
        int steps = flags.integer("steps", DEFAULT_STEPS);
        TrainConfig training =
                new TrainConfig(
                        steps,
                        flags.integer("batch-size", 64),
                        optimizer(flags),
                        seed,
                        4,
                        Math.max(1, steps / 200));
        Path out = Path.of(flags.string("out", ""));
        Path checkpoints =
                flags.has("no-checkpoints")
                        ? null
                        : Path.of(flags.string("checkpoint-dir", out + ".checkpoints"));
        Map<String, String> settings = new LinkedHashMap<>(flags.values());
        settings.remove("config");
        return new TrainOptions(
                flags.string("data", "synthetic"),
                dataOptions(flags, seed),
                architecture,
                quantizer,
                training,
                flags.integer("epochs", 0),
                flags.string("device", "auto"),
                out,
                flags.string("name", "tokenizer"),
                flags.string("version", "1"),
                flags.has("overwrite"),
                checkpoints,
                settings);
    }

    /** {@code --arch conv} (default) or {@code resnet}, with the settings of that family only. */
    static Backbone backbone(Flags flags) {
        String arch = flags.string("arch", ConvBackbone.FAMILY).toLowerCase(Locale.ROOT);
        switch (arch) {
            case ConvBackbone.FAMILY -> {
                refuse(flags, arch, "channel-mult", "blocks-per-level", "attention");
                return new ConvBackbone(
                        flags.integer("width", 32),
                        flags.integer("downsample", 4),
                        flags.integer("residual-blocks", 1),
                        flags.integer("depth", 1));
            }
            case ResNetBackbone.FAMILY -> {
                refuse(flags, arch, "residual-blocks", "depth");
                List<Integer> mult =
                        Arrays.stream(integers(flags, "channel-mult", DEFAULT_CHANNEL_MULT))
                                .boxed()
                                .toList();
                ResNetBackbone backbone =
                        new ResNetBackbone(
                                flags.integer("width", DEFAULT_RESNET_WIDTH),
                                mult,
                                flags.integer("blocks-per-level", 2),
                                flags.has("attention"));
                if (flags.has("downsample")
                        && flags.integer("downsample", 0) != backbone.downsample()) {
                    throw new Flags.UsageException(
                            "--arch resnet downsamples by 2^(levels-1) = "
                                    + backbone.downsample()
                                    + " with --channel-mult "
                                    + flags.string("channel-mult", DEFAULT_CHANNEL_MULT)
                                    + "; drop --downsample or give one multiplier per level");
                }
                return backbone;
            }
            default ->
                    throw new Flags.UsageException(
                            "--arch must be conv or resnet, got '" + arch + "'");
        }
    }

    private static void refuse(Flags flags, String arch, String... names) {
        for (String name : names) {
            if (flags.has(name)) {
                throw new Flags.UsageException("--" + name + " does not apply to --arch " + arch);
            }
        }
    }

    /** AdamW, warm-up and cosine schedule, clipping: the defaults with the flags' changes. */
    static OptimizerConfig optimizer(Flags flags) {
        OptimizerConfig d = OptimizerConfig.defaults(flags.number("lr", DEFAULT_LR));
        double[] betas = {d.beta1(), d.beta2()};
        if (flags.has("adam-betas")) {
            String value = flags.string("adam-betas", "");
            try {
                betas =
                        Arrays.stream(value.split(","))
                                .map(String::trim)
                                .mapToDouble(Double::parseDouble)
                                .toArray();
            } catch (NumberFormatException e) {
                betas = new double[0];
            }
            if (betas.length != 2) {
                throw new Flags.UsageException(
                        "--adam-betas must be two numbers, e.g. 0.9,0.99; got '" + value + "'");
            }
        }
        return new OptimizerConfig(
                d.learningRate(),
                flags.integer("warmup-steps", d.warmupSteps()),
                flags.number("lr-floor", d.floor()),
                betas[0],
                betas[1],
                d.epsilon(),
                flags.number("weight-decay", d.weightDecay()),
                flags.number("clip-grad-norm", d.clipGradNorm()));
    }

    /** A comma-separated list of whole numbers, e.g. {@code --channel-mult 1,2,2}. */
    static int[] integers(Flags flags, String name, String fallback) {
        String value = flags.string(name, fallback);
        try {
            return Arrays.stream(value.split(","))
                    .map(String::trim)
                    .mapToInt(Integer::parseInt)
                    .toArray();
        } catch (NumberFormatException e) {
            throw new Flags.UsageException(
                    "--"
                            + name
                            + " must be comma-separated whole numbers, e.g. "
                            + fallback
                            + "; got '"
                            + value
                            + "'");
        }
    }

    static DataOptions dataOptions(Flags flags, long seed) {
        DataOptions data = DataOptions.defaults(seed);
        if (flags.has("image-size")) {
            int[] hw = imageSize(flags.string("image-size", ""));
            data = data.withImageSize(hw[0], hw[1]);
        }
        data = data.withChannels(flags.integer("channels", 0));
        String resize = flags.string("resize", "resize").toLowerCase(Locale.ROOT);
        data =
                data.withResize(
                        switch (resize) {
                            case "resize" -> ResizeMode.RESIZE;
                            case "crop", "center-crop" -> ResizeMode.CENTER_CROP;
                            default ->
                                    throw new Flags.UsageException(
                                            "--resize must be resize or crop, got '"
                                                    + resize
                                                    + "'");
                        });
        data = data.withTestFraction(flags.number("test-fraction", 0.1));
        data = data.withSkipBadFiles(flags.has("skip-bad-files"));
        int size = data.imageHeight() > 0 ? data.imageHeight() : 32;
        return data.withSynthetic(
                flags.integer("train-images", TrainOptions.DEFAULT_TRAIN_IMAGES),
                flags.integer("test-images", TrainOptions.DEFAULT_TEST_IMAGES),
                size);
    }

    /** "28" or "28x28". */
    static int[] imageSize(String value) {
        // Limit -1 keeps a trailing empty part, so "32x" is an error rather than 32x32.
        String[] parts = value.toLowerCase(Locale.ROOT).split("x", -1);
        try {
            if (parts.length == 1) {
                int s = Integer.parseInt(parts[0].trim());
                return new int[] {s, s};
            }
            if (parts.length == 2) {
                return new int[] {
                    Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())
                };
            }
        } catch (NumberFormatException e) {
            // falls through to the usage error
        }
        throw new Flags.UsageException(
                "--image-size must be N or HxW, e.g. 32 or 32x48; got '" + value + "'");
    }

    static QuantizerConfig quantizer(Flags flags) {
        String kind = flags.string("quantizer", "gmvq").toLowerCase(Locale.ROOT);
        int k = flags.integer("codebook-size", DEFAULT_CODEBOOK);
        int l = flags.integer("code-dim", 8);
        return switch (kind) {
            case "gmvq" -> gmvq(flags, k, l);
            case "vq" -> new VqConfig(k, l, flags.number("commitment", 0.25));
            case "vq-ema" -> {
                VqEmaConfig d = VqEmaConfig.defaults(k, l);
                yield new VqEmaConfig(
                        k,
                        l,
                        flags.number("commitment", d.commitment()),
                        flags.number("ema-decay", d.decay()),
                        d.epsilon(),
                        flags.number("dead-threshold", d.deadThreshold()));
            }
            case "fsq" -> fsq(flags, k);
            default ->
                    throw new Flags.UsageException(
                            "--quantizer must be gmvq, vq, vq-ema or fsq, got '" + kind + "'");
        };
    }

    private static GmVqConfig gmvq(Flags flags, int k, int l) {
        GmVqConfig d = GmVqConfig.defaults(k, l);
        return new GmVqConfig(
                k,
                l,
                flags.number("posterior-variance", d.posteriorVariance()),
                flags.number("noise-variance", d.noiseVariance()),
                flags.number("tau0", d.tau0()),
                flags.number("tau-min", d.tauMin()),
                flags.number("beta", d.beta()),
                flags.number("gamma", d.gamma()),
                choice(
                        flags,
                        "estimator",
                        GradientEstimator::of,
                        "soft-gumbel",
                        GradientEstimator.GUMBEL_SOFT,
                        d.estimator()),
                choice(
                        flags,
                        "posterior-variance-mode",
                        PosteriorVarianceMode::of,
                        "learn-posterior-variance",
                        PosteriorVarianceMode.LEARNED,
                        d.posteriorVarianceMode()),
                flags.number("posterior-variance-end", d.posteriorVarianceEnd()));
    }

    /**
     * The value of {@code --name}, read by {@code parse}; {@code legacyValue} when the older switch
     * {@code legacy} is given (kept so that saved settings and config files still read); {@code
     * fallback} when neither is.
     */
    private static <T> T choice(
            Flags flags,
            String name,
            java.util.function.Function<String, T> parse,
            String legacy,
            T legacyValue,
            T fallback) {
        if (flags.has(legacy)) {
            return legacyValue;
        }
        try {
            return flags.has(name) ? parse.apply(flags.string(name, "")) : fallback;
        } catch (IllegalArgumentException e) {
            throw new Flags.UsageException("--" + name + ": " + e.getMessage());
        }
    }

    private static FsqConfig fsq(Flags flags, int k) {
        if (!flags.has("fsq-levels")) {
            return FsqConfig.forCodebookSize(k);
        }
        String value = flags.string("fsq-levels", "");
        int[] levels = integers(flags, "fsq-levels", "8,8,8");
        FsqConfig config = new FsqConfig(levels);
        if (flags.has("codebook-size") && config.codebookSize() != k) {
            throw new Flags.UsageException(
                    "--fsq-levels "
                            + value
                            + " make "
                            + config.codebookSize()
                            + " codes but --codebook-size is "
                            + k);
        }
        return config;
    }
}
