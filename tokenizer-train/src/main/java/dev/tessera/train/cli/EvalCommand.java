package dev.tessera.train.cli;

import com.google.gson.GsonBuilder;

import dev.tessera.cli.CommandLines;
import dev.tessera.cli.CommonOptions;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.train.data.DataSplits;
import dev.tessera.train.data.ImageSource;
import dev.tessera.train.eval.ArtifactEvaluation;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code tessera eval}: metrics of an exported tokenizer directory on a split of a data set,
 * through the runtime library (the tokens and pixels a server would produce).
 */
@Command(
        name = "eval",
        sortOptions = false,
        synopsisHeading = "",
        customSynopsis = "usage: tessera eval --model DIR --data PATH [options]%n",
        description = {
            "Metrics of a tokenizer directory on a data split.",
            "",
            "Evaluates an exported tokenizer on a data split: mse, psnr, perplexity,"
                    + " soft_perplexity (GM-VQ), usage, dead_codes, encoder_params, decoder_params,"
                    + " images, seconds.",
            ""
        })
final class EvalCommand implements Callable<Integer> {

    private static final Set<String> COUNTS =
            Set.of("dead_codes", "images", "encoder_params", "decoder_params");

    private final PrintStream out;

    @Spec private CommandSpec spec;

    @Mixin private TokenizerDataOptions options;

    @Option(
            names = "--split",
            paramLabel = "test|train",
            description = "which split (default ${DEFAULT-VALUE})")
    private String split = "test";

    @Mixin private CommonOptions common;

    EvalCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws IOException {
        Path model = options.model();
        String which = split.toLowerCase(Locale.ROOT);
        if (!which.equals("test") && !which.equals("train")) {
            throw CommandLines.usageError(
                    spec, "--split must be test or train, got '" + which + "'");
        }
        long start = System.nanoTime();
        Map<String, Double> metrics;
        try (Tokenizer tokenizer = Tokenizer.open(model)) {
            DataSplits data = options.open(tokenizer);
            ImageSource images = which.equals("test") ? data.test() : data.train();
            metrics = new ArtifactEvaluation(options.batchSize()).evaluate(tokenizer, images);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        // Counts print as whole numbers.
        metrics.forEach(
                (k, v) -> result.put(k, COUNTS.contains(k) ? (Object) Math.round(v) : (Object) v));
        result.put("seconds", (System.nanoTime() - start) / 1e9);
        if (options.json()) {
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

    private static String format(Object v) {
        if (v instanceof Long l) {
            return String.valueOf(l);
        }
        return String.format(Locale.ROOT, "%.6g", (Double) v);
    }
}
