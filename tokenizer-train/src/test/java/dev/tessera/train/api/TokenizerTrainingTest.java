package dev.tessera.train.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.train.model.Architecture;
import dev.tessera.train.pipeline.TrainOptions;
import dev.tessera.train.quantize.GmVqConfig;
import dev.tessera.train.train.TrainConfig;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

/** {@link TokenizerTraining} hands the job exactly the options it was given. */
class TokenizerTrainingTest {

    private static final Path OUT = Path.of("tokenizer-out");

    @Test
    void demoIsTheSettingOfTheDemo() {
        TokenizerTraining demo = TokenizerTraining.demo(OUT).build();
        assertEquals(TrainOptions.demo(OUT), demo.options());
        assertEquals(800, demo.steps());
        assertEquals(OUT, demo.directory());
        assertEquals(TrainOptions.demo(OUT).testSeed(), demo.heldOutSeed());
    }

    @Test
    void everySettingReachesTheJob() {
        TokenizerTraining training =
                TokenizerTraining.demo(OUT)
                        .syntheticImages(256, 64)
                        .imageSize(16)
                        .network(8, 4, 1)
                        .gmVq(16, 4)
                        .steps(6)
                        .batchSize(16)
                        .learningRate(1e-3)
                        .seed(3)
                        .initBatches(2)
                        .logEvery(2)
                        .device("cpu")
                        .name("tiny", "2")
                        .overwrite(false)
                        .build();
        TrainOptions expected =
                new TrainOptions(
                        "synthetic",
                        256,
                        64,
                        new Architecture(1, 16, 16, 8, 4, 4, 1),
                        GmVqConfig.defaults(16, 4),
                        new TrainConfig(6, 16, 1e-3, 3, 2, 2),
                        "cpu",
                        OUT,
                        "tiny",
                        "2",
                        false);
        assertEquals(expected, training.options());
        assertEquals(4, training.heldOutSeed(), "the held-out images follow the seed");
    }

    @Test
    void aDataSetLocationIsPassedOn() {
        TrainOptions options = TokenizerTraining.demo(OUT).data("data/mnist").build().options();
        assertEquals("data/mnist", options.data());
        assertEquals(0, options.dataOptions().imageHeight(), "a data set keeps its own size");
    }

    @Test
    void settingsThatDoNotFitTogetherAreRefusedWhenBuilt() {
        TokenizerTraining.Builder builder = TokenizerTraining.demo(OUT).imageSize(30);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(e.getMessage().contains("not divisible"), e.getMessage());
    }
}
