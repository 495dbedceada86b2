package dev.tessera.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.train.report.AnalysisSection;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

/** {@code tessera analyze} on a tiny trained GM-VQ tokenizer with a learned σ_q². */
class AnalyzeCommandTest {

    private static final int K = 8;

    private final CapturedCli cli = new CapturedCli();

    private int run(String... args) {
        return cli.run(args);
    }

    private static final List<String> DATA =
            List.of("--data", "synthetic", "--train-images", "64", "--test-images", "32");

    private JsonObject analyze(Path dir) {
        List<String> args =
                new java.util.ArrayList<>(List.of("analyze", "--model", dir.toString()));
        args.addAll(DATA);
        args.addAll(List.of("--max-images", "0", "--json"));
        assertEquals(0, run(args.toArray(String[]::new)), cli.err());
        return JsonParser.parseString(cli.out().trim()).getAsJsonObject();
    }

    @Test
    void reportsEveryMetricWithinItsRangeAndAddsTheReportSection(@TempDir Path tmp)
            throws Exception {
        Path dir = tmp.resolve("tok");
        List<String> train =
                new java.util.ArrayList<>(
                        List.of(
                                "train",
                                "--batch-size",
                                "16",
                                "--width",
                                "4",
                                "--codebook-size",
                                String.valueOf(K),
                                "--code-dim",
                                "2",
                                "--epochs",
                                "2",
                                "--learn-posterior-variance",
                                "--no-checkpoints",
                                "--out",
                                dir.toString()));
        train.addAll(DATA);
        assertEquals(0, run(train.toArray(String[]::new)), cli.err());

        JsonObject json = analyze(dir);
        int positions = 8 * 8;
        for (String split : List.of("train", "test")) {
            JsonObject s = json.getAsJsonObject(split);
            for (String key :
                    List.of(
                            "mse",
                            "psnr",
                            "perplexity",
                            "soft_perplexity",
                            "usage",
                            "dead_codes",
                            "rate_nats",
                            "mutual_information_nats",
                            "marginal_kl_nats",
                            "collapsed_positions",
                            "reencode_consistency",
                            "frechet_recon",
                            "w2_gaussian_recon",
                            "w2_coupling_bound")) {
                assertTrue(s.has(key), split + " lacks " + key + ": " + s);
                assertTrue(Double.isFinite(s.get(key).getAsDouble()), split + "." + key);
            }
            assertBetween(s, "usage", 0, 1);
            assertBetween(s, "reencode_consistency", 0, 1);
            assertBetween(s, "rate_nats", 0, Math.log(K));
            assertBetween(s, "marginal_kl_nats", 0, Math.log(K));
            assertBetween(s, "collapsed_positions", 0, positions);
            assertBetween(s, "perplexity", 1, K);
            assertBetween(s, "soft_perplexity", 1, K);
            assertBetween(s, "mutual_information_nats", 0, positions * Math.log(K));
            JsonArray perPosition = s.getAsJsonArray("position_mutual_information_nats");
            assertEquals(positions, perPosition.size());
            for (JsonElement v : perPosition) {
                assertTrue(v.getAsDouble() >= 0 && v.getAsDouble() <= Math.log(K) + 1e-12);
            }
            assertTrue(
                    s.get("w2_gaussian_recon").getAsDouble()
                            <= s.get("w2_coupling_bound").getAsDouble(),
                    "coupling bound on " + split);
        }
        assertEquals(64, json.getAsJsonObject("train").get("images").getAsInt());
        assertEquals(32, json.getAsJsonObject("test").get("images").getAsInt());
        assertTrue(json.get("coupling_bound_holds").getAsBoolean());
        assertEquals(
                json.getAsJsonObject("test").get("mse").getAsDouble()
                        - json.getAsJsonObject("train").get("mse").getAsDouble(),
                json.get("generalization_gap").getAsDouble(),
                1e-12);
        assertTrue(json.get("frechet_prior").getAsDouble() >= 0);
        assertTrue(json.get("encoder_params").getAsLong() > 0);
        assertTrue(json.get("posterior_variance").getAsDouble() > 0);
        JsonArray trace = json.getAsJsonArray("posterior_variance_trace");
        assertTrue(trace.size() >= 2, "a learned σ_q² is reported over training: " + trace);
        for (JsonElement row : trace) {
            assertTrue(row.getAsJsonArray().get(1).getAsDouble() > 0);
        }

        // The training split's mse is the one eval measures on it.
        List<String> eval =
                new java.util.ArrayList<>(
                        List.of("eval", "--model", dir.toString(), "--split", "train", "--json"));
        eval.addAll(DATA);
        assertEquals(0, run(eval.toArray(String[]::new)), cli.err());
        double evalMse =
                JsonParser.parseString(cli.out().trim()).getAsJsonObject().get("mse").getAsDouble();
        assertEquals(evalMse, json.getAsJsonObject("train").get("mse").getAsDouble(), 1e-12);

        // A second analysis replaces the section, and the directory still verifies.
        analyze(dir);
        String page = Files.readString(dir.resolve("report.html"));
        assertEquals(1, page.split("tessera analyze: begin", -1).length - 1, "one section");
        assertTrue(page.contains(AnalysisSection.INFORMATION_PNG));
        assertNotNull(ImageIO.read(dir.resolve(AnalysisSection.INFORMATION_PNG).toFile()));
        assertNotNull(ImageIO.read(dir.resolve(AnalysisSection.PRIOR_PNG).toFile()));
        assertNotNull(ImageIO.read(dir.resolve(AnalysisSection.VARIANCE_PNG).toFile()));
        try (Tokenizer tokenizer = Tokenizer.open(dir)) {
            assertEquals(K, tokenizer.codebookSize());
        }
    }

    @Test
    void requiresModelAndData() {
        assertEquals(2, run("analyze", "--model", "x"));
        assertTrue(cli.err().contains("--data"), cli.err());
    }

    private static void assertBetween(JsonObject o, String key, double low, double high) {
        double v = o.get(key).getAsDouble();
        assertTrue(
                v >= low - 1e-12 && v <= high + 1e-12,
                key + " = " + v + " outside [" + low + ", " + high + "]");
    }
}
