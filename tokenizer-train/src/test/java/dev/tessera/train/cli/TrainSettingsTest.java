package dev.tessera.train.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.train.cli.Flags.UsageException;
import dev.tessera.train.data.ResizeMode;
import dev.tessera.train.model.ConvBackbone;
import dev.tessera.train.model.ResNetBackbone;
import dev.tessera.train.pipeline.TrainOptions;
import dev.tessera.train.quantize.FsqConfig;
import dev.tessera.train.quantize.GmVqConfig;
import dev.tessera.train.quantize.GradientEstimator;
import dev.tessera.train.quantize.PosteriorVarianceMode;
import dev.tessera.train.quantize.VqConfig;
import dev.tessera.train.quantize.VqEmaConfig;
import dev.tessera.train.train.OptimizerConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

class TrainSettingsTest {

    private static Flags flags(String... args) {
        return Flags.parse(args, TrainSettings.VALUED, TrainSettings.SWITCHES);
    }

    private static TrainOptions options(String... args) {
        return TrainSettings.options(flags(args));
    }

    @Test
    void defaultsAreGmVqWith512CodesOfDimensionEight() {
        TrainOptions o = options("--out", "tok");
        assertEquals(GmVqConfig.defaults(512, 8), o.quantizer());
        assertEquals(8, o.architecture().codeDim());
        assertEquals(1500, o.training().steps());
        assertEquals(64, o.training().batchSize());
        assertEquals(0, o.epochs());
        assertEquals(Path.of("tok"), o.out());
        assertEquals(Path.of("tok.checkpoints"), o.checkpointDir());
        assertEquals("synthetic", o.data());
    }

    @Test
    void archFlagsBuildTheResnetAndRefuseTheOtherFamilysSettings() {
        TrainOptions o =
                options(
                        "--out",
                        "t",
                        "--arch",
                        "resnet",
                        "--width",
                        "16",
                        "--channel-mult",
                        "1,2,4",
                        "--blocks-per-level",
                        "3",
                        "--attention");
        assertEquals(
                new ResNetBackbone(16, List.of(1, 2, 4), 3, true), o.architecture().backbone());
        assertEquals(4, o.architecture().downsample());
        assertEquals(
                new ConvBackbone(32, 4, 1, 1), options("--out", "t").architecture().backbone());
        UsageException conv =
                assertThrows(
                        UsageException.class, () -> options("--out", "t", "--channel-mult", "1,2"));
        assertEquals("--channel-mult does not apply to --arch conv", conv.getMessage());
        UsageException resnet =
                assertThrows(
                        UsageException.class,
                        () -> options("--out", "t", "--arch", "resnet", "--depth", "2"));
        assertEquals("--depth does not apply to --arch resnet", resnet.getMessage());
        UsageException downsample =
                assertThrows(
                        UsageException.class,
                        () -> options("--out", "t", "--arch", "resnet", "--downsample", "8"));
        assertTrue(downsample.getMessage().contains("= 4 with --channel-mult 1,2,2"));
        UsageException mult =
                assertThrows(
                        UsageException.class,
                        () -> options("--out", "t", "--arch", "resnet", "--channel-mult", "1,x"));
        assertTrue(mult.getMessage().startsWith("--channel-mult must be comma-separated"));
    }

    @Test
    void optimizerFlagsReachTheConfig() {
        OptimizerConfig o =
                options(
                                "--out",
                                "t",
                                "--lr",
                                "1e-3",
                                "--warmup-steps",
                                "50",
                                "--lr-floor",
                                "0.2",
                                "--adam-betas",
                                "0.5, 0.9",
                                "--weight-decay",
                                "0.05",
                                "--clip-grad-norm",
                                "2")
                        .training()
                        .optimizer();
        assertEquals(new OptimizerConfig(1e-3, 50, 0.2, 0.5, 0.9, 1e-8, 0.05, 2), o);
        UsageException betas =
                assertThrows(
                        UsageException.class, () -> options("--out", "t", "--adam-betas", "0.9"));
        assertEquals(
                "--adam-betas must be two numbers, e.g. 0.9,0.99; got '0.9'", betas.getMessage());
    }

    @Test
    void gmVqFlagsReachTheConfig() {
        TrainOptions o =
                options(
                        "--out",
                        "t",
                        "--codebook-size",
                        "64",
                        "--code-dim",
                        "4",
                        "--beta",
                        "0.3",
                        "--gamma",
                        "2",
                        "--tau0",
                        "2",
                        "--tau-min",
                        "0.5",
                        "--posterior-variance",
                        "0.25",
                        "--noise-variance",
                        "1",
                        "--soft-gumbel",
                        "--learn-posterior-variance");
        assertEquals(
                new GmVqConfig(
                        64, 4, 0.25, 1, 2, 0.5, 0.3, 2, GradientEstimator.GUMBEL_SOFT,
                        PosteriorVarianceMode.LEARNED,
                        1.0),
                o.quantizer());
    }

    @Test
    void estimatorAndPosteriorVarianceScheduleFlagsReachTheGmVqConfig() {
        TrainOptions o =
                options(
                        "--out",
                        "/tmp/x",
                        "--estimator",
                        "posterior-mean",
                        "--posterior-variance-end",
                        "0.25");
        GmVqConfig gm = (GmVqConfig) o.quantizer();
        assertEquals(GradientEstimator.POSTERIOR_MEAN, gm.estimator());
        assertEquals(0.25, gm.posteriorVarianceEnd());
        Flags.UsageException e =
                assertThrows(
                        Flags.UsageException.class,
                        () -> options("--out", "/tmp/x", "--estimator", "rao"));
        assertTrue(e.getMessage().contains("gumbel, gumbel-soft, posterior-mean"), e.getMessage());
    }

    @Test
    void vqAndVqEmaFlagsReachTheirConfigs() {
        assertEquals(
                new VqConfig(64, 4, 0.5),
                options(
                                "--out",
                                "t",
                                "--quantizer",
                                "vq",
                                "--codebook-size",
                                "64",
                                "--code-dim",
                                "4",
                                "--commitment",
                                "0.5")
                        .quantizer());
        assertEquals(
                new VqEmaConfig(32, 2, 0.25, 0.9, 1e-5, 1.0),
                options(
                                "--out",
                                "t",
                                "--quantizer",
                                "VQ-EMA",
                                "--codebook-size",
                                "32",
                                "--code-dim",
                                "2",
                                "--ema-decay",
                                "0.9",
                                "--dead-threshold",
                                "1")
                        .quantizer());
    }

    @Test
    void fsqLevelsComeFromTheCodebookSizeOrTheFlag() {
        TrainOptions bySize = options("--out", "t", "--quantizer", "fsq", "--codebook-size", "256");
        assertArrayEquals(new int[] {8, 8, 4}, ((FsqConfig) bySize.quantizer()).levels());
        // The architecture takes L from the levels, not from --code-dim.
        assertEquals(3, bySize.architecture().codeDim());

        TrainOptions byLevels =
                options("--out", "t", "--quantizer", "fsq", "--fsq-levels", "8,5,5,5");
        assertArrayEquals(new int[] {8, 5, 5, 5}, ((FsqConfig) byLevels.quantizer()).levels());
        assertEquals(1000, byLevels.quantizer().codebookSize());
        assertEquals(4, byLevels.architecture().codeDim());
    }

    @Test
    void fsqLevelsThatDisagreeWithTheCodebookSizeAreAUsageError() {
        UsageException e =
                assertThrows(
                        UsageException.class,
                        () ->
                                options(
                                        "--out",
                                        "t",
                                        "--quantizer",
                                        "fsq",
                                        "--fsq-levels",
                                        "8,5,5,5",
                                        "--codebook-size",
                                        "512"));
        assertEquals(
                "--fsq-levels 8,5,5,5 make 1000 codes but --codebook-size is 512", e.getMessage());
        UsageException notNumbers =
                assertThrows(
                        UsageException.class,
                        () -> options("--out", "t", "--quantizer", "fsq", "--fsq-levels", "8,x"));
        assertTrue(notNumbers.getMessage().contains("comma-separated"), notNumbers.getMessage());
    }

    @Test
    void unknownQuantizerIsAUsageError() {
        UsageException e =
                assertThrows(
                        UsageException.class, () -> options("--out", "t", "--quantizer", "pq"));
        assertEquals("--quantizer must be gmvq, vq, vq-ema or fsq, got 'pq'", e.getMessage());
    }

    @Test
    void epochsAndStepsTogetherAreAUsageError() {
        UsageException e =
                assertThrows(
                        UsageException.class,
                        () -> options("--out", "t", "--epochs", "3", "--steps", "100"));
        assertTrue(e.getMessage().startsWith("give either --epochs or --steps"), e.getMessage());
        TrainOptions epochs = options("--out", "t", "--epochs", "3");
        assertEquals(3, epochs.epochs());
        TrainOptions steps = options("--out", "t", "--steps", "100");
        assertEquals(100, steps.training().steps());
        assertEquals(0, steps.epochs());
    }

    @Test
    void outIsRequired() {
        UsageException e = assertThrows(UsageException.class, () -> options("--steps", "10"));
        assertTrue(e.getMessage().startsWith("--out DIR is required"), e.getMessage());
    }

    @Test
    void imageSizeIsOneNumberOrHeightByWidth() {
        assertArrayEquals(new int[] {28, 28}, TrainSettings.imageSize("28"));
        assertArrayEquals(new int[] {32, 48}, TrainSettings.imageSize("32x48"));
        assertArrayEquals(new int[] {32, 48}, TrainSettings.imageSize("32X48"));
        assertArrayEquals(new int[] {32, 48}, TrainSettings.imageSize(" 32 x 48 "));
        for (String bad : new String[] {"abc", "32x", "1x2x3", "x48", ""}) {
            UsageException e =
                    assertThrows(UsageException.class, () -> TrainSettings.imageSize(bad), bad);
            assertTrue(e.getMessage().contains("got '" + bad + "'"), e.getMessage());
        }
        TrainOptions o = options("--out", "t", "--image-size", "32x48");
        assertEquals(32, o.dataOptions().imageHeight());
        assertEquals(48, o.dataOptions().imageWidth());
        assertEquals(28, options("--out", "t", "--image-size", "28").dataOptions().imageWidth());
        assertEquals(0, options("--out", "t").dataOptions().imageHeight());
    }

    @Test
    void resizeModeIsResizeOrCrop() {
        assertEquals(ResizeMode.RESIZE, options("--out", "t").dataOptions().resize());
        assertEquals(
                ResizeMode.CENTER_CROP,
                options("--out", "t", "--resize", "crop").dataOptions().resize());
        assertEquals(
                ResizeMode.CENTER_CROP,
                options("--out", "t", "--resize", "Center-Crop").dataOptions().resize());
        UsageException e =
                assertThrows(
                        UsageException.class, () -> options("--out", "t", "--resize", "stretch"));
        assertEquals("--resize must be resize or crop, got 'stretch'", e.getMessage());
    }

    @Test
    void checkpointsCanBeRedirectedOrSwitchedOff() {
        assertEquals(
                Path.of("ck"), options("--out", "t", "--checkpoint-dir", "ck").checkpointDir());
        assertNull(options("--out", "t", "--no-checkpoints").checkpointDir());
    }

    @Test
    void withoutAConfigFileTheFlagsAreReturnedAsGiven() throws IOException {
        Flags commandLine = flags("--out", "t");
        assertSame(commandLine, TrainSettings.withConfigFile(commandLine));
    }

    @Test
    void configFileFillsInFlagsAndTheCommandLineWins(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("run.json");
        Files.writeString(
                file,
                "{\"steps\": 200, \"lr\": 0.01, \"quantizer\": \"vq\", \"soft-gumbel\": true,"
                        + " \"overwrite\": false, \"code-dim\": 4}");
        Flags merged =
                TrainSettings.withConfigFile(
                        flags("--config", file.toString(), "--steps", "100", "--out", "t"));
        assertEquals(100, merged.integer("steps", 0));
        assertEquals(0.01, merged.number("lr", 0), 0);
        assertEquals("vq", merged.string("quantizer", ""));
        assertTrue(merged.has("soft-gumbel"));
        assertFalse(merged.has("overwrite"));

        TrainOptions o = TrainSettings.options(merged);
        assertEquals(new VqConfig(512, 4, 0.25), o.quantizer());
        assertEquals(100, o.training().steps());
        assertEquals(0.01, o.training().learningRate(), 0);
        // The settings stored with the run are the flags themselves, not the file's name.
        assertFalse(o.settings().containsKey("config"));
        assertEquals(
                java.util.Map.of(
                        "steps", "200",
                        "lr", "0.01",
                        "quantizer", "vq",
                        "soft-gumbel", "true",
                        "overwrite", "false",
                        "code-dim", "4"),
                TrainSettings.readJson(file));
    }

    @Test
    void unknownKeyInTheConfigFileIsNamed(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("run.json");
        Files.writeString(file, "{\"epochs\": 2, \"stepz\": 100}");
        UsageException e =
                assertThrows(
                        UsageException.class,
                        () -> TrainSettings.withConfigFile(flags("--config", file.toString())));
        assertEquals(file + ": unknown setting \"stepz\"", e.getMessage());
    }

    @Test
    void configFileMustBeAFlatJsonObject(@TempDir Path dir) throws IOException {
        Path array = dir.resolve("array.json");
        Files.writeString(array, "[1, 2]");
        UsageException notObject =
                assertThrows(
                        UsageException.class,
                        () -> TrainSettings.withConfigFile(flags("--config", array.toString())));
        assertTrue(
                notObject.getMessage().contains("expected a JSON object"), notObject.getMessage());

        Path nested = dir.resolve("nested.json");
        Files.writeString(nested, "{\"steps\": {\"value\": 3}}");
        UsageException notFlat =
                assertThrows(
                        UsageException.class,
                        () -> TrainSettings.withConfigFile(flags("--config", nested.toString())));
        assertEquals(
                nested + ": \"steps\" must be a string, number or boolean", notFlat.getMessage());

        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"steps\": ");
        UsageException notJson =
                assertThrows(
                        UsageException.class,
                        () -> TrainSettings.withConfigFile(flags("--config", broken.toString())));
        assertTrue(notJson.getMessage().contains("is not valid JSON"), notJson.getMessage());
    }

    @Test
    void switchInTheConfigFileMustBeBoolean(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("run.json");
        Files.writeString(file, "{\"overwrite\": \"yes\"}");
        UsageException e =
                assertThrows(
                        UsageException.class,
                        () -> TrainSettings.withConfigFile(flags("--config", file.toString())));
        assertEquals(file + ": \"overwrite\" is a switch: true or false", e.getMessage());
    }
}
