package dev.tessera.examples.generate;

import com.google.gson.GsonBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code generation.json}: the numbers of a run, under the names docs/metrics.md uses. */
final class GenerationReport {

    static final String FILE = "generation.json";

    private GenerationReport() {}

    static Map<String, Object> toMap(GenerateOptions options, GenerationResult r) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("frechet_transformer", r.frechet().transformer());
        json.put("frechet_independent", r.frechet().independent());
        json.put("frechet_recon", r.frechet().reconstruction());
        json.put("frechet_samples", r.frechet().samples());
        GenerationResult.Likelihoods nll = r.nll();
        json.put("train_nll_nats_per_token", nll.train());
        json.put("test_nll_nats_per_token", nll.test());
        json.put("test_bits_per_image", bitsPerImage(nll.test(), r.shape()));
        if (r.shape().conditional()) {
            json.put("test_nll_unconditional_nats_per_token", nll.testUnconditional());
        }
        json.put("independent_test_nll_nats_per_token", nll.independentTest());
        json.put("independent_test_bits_per_image", bitsPerImage(nll.independentTest(), r.shape()));
        json.put("parameters", r.parameterCount());
        json.put("grid", r.shape());
        json.put("prior", r.prior());
        json.put("class_conditional", r.shape().conditional());
        json.put("sampling", options.sampling());
        json.put(
                "tokenizer",
                options.server() != null
                        ? options.server()
                                + (options.modelName() == null ? "" : "/" + options.modelName())
                        : options.model().toString());
        json.put("data", options.data());
        if (r.training() != null) {
            json.put("train_seconds", r.training().seconds());
            json.put("steps_per_second", r.training().stepsPerSecond());
            json.put("first_window_loss", r.training().firstLoss());
            json.put("last_window_loss", r.training().lastLoss());
            json.put(
                    "loss_curve",
                    r.training().curve().stream()
                            .map(p -> new double[] {p.step(), p.loss()})
                            .toList());
        }
        json.put("seconds", r.seconds());
        return json;
    }

    static double bitsPerImage(double natsPerToken, GridShape shape) {
        return natsPerToken * shape.positions() / Math.log(2);
    }

    static void write(Path out, GenerateOptions options, GenerationResult result)
            throws IOException {
        Files.createDirectories(out);
        String json =
                new GsonBuilder()
                        .setPrettyPrinting()
                        .serializeSpecialFloatingPointValues()
                        .create()
                        .toJson(toMap(options, result));
        Files.writeString(out.resolve(FILE), json + System.lineSeparator(), StandardCharsets.UTF_8);
    }
}
