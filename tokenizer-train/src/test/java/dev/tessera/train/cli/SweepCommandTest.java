package dev.tessera.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.tessera.api.v1.TokenizerManifest;
import dev.tessera.runtime.artifact.TokenizerDirectory;
import dev.tessera.train.report.SweepCharts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

/** {@code tessera sweep} over two values of β on a tiny synthetic budget. */
class SweepCommandTest {

    private final CapturedCli cli = new CapturedCli();

    private int run(String... args) {
        return cli.run(args);
    }

    private String[] sweep(Path root, String... extra) {
        String[] base = {
            "sweep",
            "--data",
            "synthetic",
            "--train-images",
            "64",
            "--test-images",
            "32",
            "--batch-size",
            "16",
            "--width",
            "4",
            "--code-dim",
            "2",
            "--steps",
            "3",
            "--codebook-size",
            "8",
            "--out",
            root.toString()
        };
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return args;
    }

    @Test
    void trainsAndAnalysesOneTokenizerPerSettingAndPlotsThem(@TempDir Path root) throws Exception {
        assertEquals(
                0,
                run(sweep(root, "--beta", "0.1,3", "--quantizers", "gmvq,vq-ema")),
                cli.err() + cli.out());
        JsonObject json =
                JsonParser.parseString(Files.readString(root.resolve("sweep.json")))
                        .getAsJsonObject();
        JsonArray runs = json.getAsJsonArray("runs");
        assertEquals(4, runs.size());
        for (int i = 0; i < 4; i++) {
            JsonObject r = runs.get(i).getAsJsonObject();
            double beta = r.get("beta").getAsDouble();
            String quantizer = r.get("quantizer").getAsString();
            TokenizerManifest m =
                    TokenizerDirectory.readManifest(Path.of(r.get("directory").getAsString()));
            assertEquals(quantizer, m.getQuantizer());
            // β is GM-VQ's marginal-KL weight and the commitment weight of vq-ema.
            String key = quantizer.equals("gmvq") ? "beta" : "commitment";
            assertEquals(beta, Double.parseDouble(m.getTraining().getConfigMap().get(key)));
            assertEquals(3, m.getTraining().getSteps(), "same budget for every run");
            JsonObject analysis = r.getAsJsonObject("analysis");
            assertTrue(analysis.getAsJsonObject("test").has("mutual_information_nats"));
            assertTrue(analysis.has("generalization_gap"));
        }
        for (String png :
                new String[] {
                    SweepCharts.RATE_DISTORTION_PNG, SweepCharts.GAP_PNG, SweepCharts.FRECHET_PNG
                }) {
            assertNotNull(ImageIO.read(root.resolve(png).toFile()), png);
        }
        String table = Files.readString(root.resolve("sweep.md"));
        assertEquals(2 + 4, table.strip().split("\n").length, table);

        // --reuse keeps the finished runs: nothing is trained again.
        assertEquals(
                0, run(sweep(root, "--beta", "0.1,3", "--quantizers", "gmvq,vq-ema", "--reuse")));
        assertEquals(4, cli.out().split("reusing ", -1).length - 1, cli.out());
    }

    @Test
    void refusesAQuantizerWithoutARateWeight(@TempDir Path root) {
        assertEquals(2, run(sweep(root, "--beta", "1", "--quantizers", "fsq")));
        assertTrue(cli.err().contains("fsq has no rate weight"), cli.err());
    }
}
