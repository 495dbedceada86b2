package dev.tessera.train.cli;

import com.google.gson.GsonBuilder;

import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.train.data.DataOptions;
import dev.tessera.train.data.DataSplits;
import dev.tessera.train.data.Datasets;
import dev.tessera.train.data.ImageSource;
import dev.tessera.train.eval.ArtifactEvaluation;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code tessera eval}: metrics of an exported tokenizer directory on a split of a data set,
 * through the runtime library (the tokens and pixels a server would produce).
 */
final class EvalCommand {

    static final String USAGE =
            String.join(
                    System.lineSeparator(),
                    "usage: tessera eval --model DIR --data PATH [options]",
                    "",
                    "Evaluates an exported tokenizer on a data split: mse, psnr, perplexity,"
                            + " soft_perplexity (GM-VQ),",
                    "usage, dead_codes, encoder_params, decoder_params, images, seconds.",
                    "",
                    "  --model DIR             tokenizer directory",
                    "  --data PATH|synthetic   data set, as for tessera train",
                    "  --split test|train      which split (default test)",
                    "  --image-size N|HxW, --channels 1|3, --resize resize|crop, --test-fraction"
                            + " F, --seed S,",
                    "  --skip-bad-files        read the data as tessera train does",
                    "  --batch-size B          images per ONNX Runtime call (default 256)",
                    "  --json                  print one JSON object instead of a table",
                    "");

    private static final Set<String> VALUED =
            Set.of(
                    "model",
                    "data",
                    "split",
                    "image-size",
                    "channels",
                    "resize",
                    "test-fraction",
                    "seed",
                    "batch-size",
                    "train-images",
                    "test-images");
    private static final Set<String> SWITCHES = Set.of("json", "skip-bad-files", "verbose", "help");
    private static final Set<String> COUNTS =
            Set.of("dead_codes", "images", "encoder_params", "decoder_params");

    private final PrintStream out;

    EvalCommand(PrintStream out) {
        this.out = out;
    }

    int run(String[] args) throws IOException {
        Flags flags = Flags.parse(args, VALUED, SWITCHES);
        if (flags.has("help")) {
            out.print(USAGE);
            return 0;
        }
        if (!flags.has("model") || !flags.has("data")) {
            throw new Flags.UsageException("--model DIR and --data PATH are required");
        }
        String split = flags.string("split", "test").toLowerCase(Locale.ROOT);
        if (!split.equals("test") && !split.equals("train")) {
            throw new Flags.UsageException("--split must be test or train, got '" + split + "'");
        }
        long start = System.nanoTime();
        Map<String, Double> metrics;
        try (Tokenizer tokenizer = Tokenizer.open(Path.of(flags.string("model", "")))) {
            DataSplits data = openData(flags, tokenizer);
            ImageSource images = split.equals("test") ? data.test() : data.train();
            metrics =
                    new ArtifactEvaluation(flags.integer("batch-size", 256))
                            .evaluate(tokenizer, images);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        // Counts print as whole numbers.
        metrics.forEach(
                (k, v) -> result.put(k, COUNTS.contains(k) ? (Object) Math.round(v) : (Object) v));
        result.put("seconds", (System.nanoTime() - start) / 1e9);
        if (flags.has("json")) {
            out.println(
                    new GsonBuilder()
                            .serializeSpecialFloatingPointValues()
                            .create()
                            .toJson(result));
        } else {
            result.forEach((k, v) -> out.printf(Locale.ROOT, "%-16s %s%n", k, format(v)));
        }
        return 0;
    }

    /**
     * The data set named by {@code --data}, read at the tokenizer's image size and channels unless
     * the flags say otherwise.
     */
    static DataSplits openData(Flags flags, Tokenizer tokenizer) throws IOException {
        DataOptions dataOptions = TrainSettings.dataOptions(flags, flags.longValue("seed", 7));
        if (!flags.has("image-size")) {
            dataOptions =
                    dataOptions.withImageSize(tokenizer.imageHeight(), tokenizer.imageWidth());
        }
        if (!flags.has("channels")) {
            dataOptions = dataOptions.withChannels(tokenizer.channels());
        }
        return Datasets.open(flags.string("data", ""), dataOptions);
    }

    private static String format(Object v) {
        if (v instanceof Long l) {
            return String.valueOf(l);
        }
        return String.format(Locale.ROOT, "%.6g", (Double) v);
    }
}
