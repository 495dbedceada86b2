package dev.tessera.train.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.tessera.api.v1.TokenizerManifest;
import dev.tessera.runtime.artifact.TokenizerDirectory;
import dev.tessera.train.train.Checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** {@code tessera train} and {@code tessera eval} end to end on a tiny synthetic run. */
class TrainCommandTest {

    private final CapturedCli cli = new CapturedCli();

    private int run(String... args) {
        return cli.run(args);
    }

    private static String[] tiny(Path outDir, String... extra) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "train",
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
                                "--codebook-size",
                                "8",
                                "--code-dim",
                                "2",
                                "--out",
                                outDir.toString()));
        args.addAll(Arrays.asList(extra));
        return args.toArray(String[]::new);
    }

    @Test
    void trainsExportsReportsAndEvaluatesTheArtifact(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("tok");
        assertEquals(0, run(tiny(dir, "--epochs", "2", "--quantizer", "vq-ema")), cli.err());
        String log = cli.out();
        assertTrue(log.contains("epoch 2/2"), log);
        assertTrue(log.contains("checkpoint: step 8"), log);
        TokenizerManifest manifest = TokenizerDirectory.readManifest(dir);
        assertEquals("vq-ema", manifest.getQuantizer());
        assertEquals(8, manifest.getTraining().getSteps());
        assertTrue(manifest.getSha256Map().containsKey("report.html"));
        assertTrue(Files.exists(dir.resolve("report.html")));
        assertTrue(Checkpoint.exists(tmp.resolve("tok.checkpoints")));

        assertEquals(
                0,
                run(
                        "eval",
                        "--model",
                        dir.toString(),
                        "--data",
                        "synthetic",
                        "--test-images",
                        "32",
                        "--json"),
                cli.err());
        JsonObject json = JsonParser.parseString(cli.out().trim()).getAsJsonObject();
        for (String key :
                List.of(
                        "mse",
                        "psnr",
                        "perplexity",
                        "usage",
                        "dead_codes",
                        "encoder_params",
                        "decoder_params",
                        "images",
                        "seconds")) {
            assertTrue(json.has(key), "eval --json lacks " + key + ": " + json);
        }
        assertEquals(32, json.get("images").getAsInt());
        // The artifact reproduces the trained model, so eval gives the manifest's test mse.
        assertEquals(manifest.getMetricsMap().get("mse"), json.get("mse").getAsDouble(), 1e-9);
    }

    @Test
    void configFileSuppliesSettingsAndTheCommandLineWins(@TempDir Path tmp) throws Exception {
        Path config = tmp.resolve("run.json");
        Files.writeString(config, "{\"quantizer\": \"fsq\", \"steps\": 3, \"codebook-size\": 8}");
        Path dir = tmp.resolve("tok");
        assertEquals(
                0,
                run(tiny(dir, "--config", config.toString(), "--steps", "2", "--no-checkpoints")),
                cli.err());
        TokenizerManifest manifest = TokenizerDirectory.readManifest(dir);
        assertEquals("fsq", manifest.getQuantizer());
        assertEquals(2, manifest.getTraining().getSteps());
        assertEquals(1, manifest.getCodeDim(), "fsq levels for K=8 are [8]");
    }

    @Test
    void resumeRefusesSettingsThatWouldChangeTheRun(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("tok");
        assertEquals(0, run(tiny(dir, "--epochs", "1")), cli.err());
        int status =
                run("train", "--resume", tmp.resolve("tok.checkpoints").toString(), "--lr", "0.1");
        assertEquals(2, status);
        assertTrue(cli.err().contains("drop --lr"), cli.err());
    }

    @Test
    void unreadableDataIsOneLineNamingThePath(@TempDir Path tmp) {
        Path missing = tmp.resolve("no-such-data");
        int status = run(tiny(tmp.resolve("tok"), "--data", missing.toString()));
        assertTrue(status == 1 || status == 2, "status " + status);
        String message = cli.err();
        assertTrue(message.contains(missing.toString()), message);
        assertEquals(1, message.strip().lines().count(), message);
    }

    @Test
    void aFailedExportKeepsTheTrainedParametersAndResumeExportsThem(@TempDir Path tmp)
            throws Exception {
        Path dir = tmp.resolve("tok");
        // Something in the way of the export, found only after training: a file named like --out.
        Files.writeString(dir, "not a tokenizer directory");
        assertEquals(1, run(tiny(dir, "--steps", "3", "--no-checkpoints")), cli.out());
        Path kept = tmp.resolve("tok.checkpoints").toAbsolutePath();
        assertTrue(cli.out().contains("the trained parameters are kept in " + kept), cli.out());
        assertTrue(cli.err().contains("already exists"), cli.err());
        Checkpoint checkpoint = Checkpoint.load(kept);
        assertEquals(3, checkpoint.step());
        assertEquals(3, checkpoint.steps());

        Files.delete(dir);
        assertEquals(0, run("train", "--resume", kept.toString()), cli.err());
        assertTrue(cli.out().contains("holds a finished run"), cli.out());
        TokenizerManifest manifest = TokenizerDirectory.readManifest(dir);
        assertEquals(3, manifest.getTraining().getSteps());
        float[] exported =
                dev.tessera.format.FloatMatrix.read(dir.resolve("codebook.npy")).values();
        assertArrayEquals(
                checkpoint.params().get("quantizer.codebook").data(), exported, 0f);
    }
}
