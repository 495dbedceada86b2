package dev.tessera.train.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.train.data.SyntheticShapes;
import dev.tessera.train.model.Architecture;
import dev.tessera.train.model.TokenizerNetwork;
import dev.tessera.train.quantize.GmVqConfig;

import org.junit.jupiter.api.Test;

/**
 * The export check's reference: the same weights on the CPU, in a manager of their own, whatever
 * device trained them.
 */
class TrainedTokenizerCopyTest {

    @Test
    void theCpuCopyComputesWhatTheModelDoesAndOwnsItsParameters() {
        ImageBatch images = new SyntheticShapes().generate(8, 3);
        try (TrainedTokenizer model =
                new TokenizerTrainer(
                                new TokenizerNetwork(new Architecture(1, 32, 32, 4, 4, 2, 1)),
                                GmVqConfig.defaults(8, 2).create(),
                                new TrainConfig(2, 16, 2e-3, 3, 1, 1),
                                Device.cpu(),
                                p -> {})
                        .train(new SyntheticShapes().generate(64, 2))) {
            TokenBatch tokens = model.encode(images);
            float[] pixels = model.decodeLevels(tokens);
            try (TrainedTokenizer copy = model.onCpu()) {
                assertNotSame(model.params().manager(), copy.params().manager());
                assertEquals(model.params().arrays().keySet(), copy.params().arrays().keySet());
                copy.params()
                        .arrays()
                        .values()
                        .forEach(a -> assertEquals(Device.cpu(), a.getDevice()));
                assertArrayEquals(tokens.ids(), copy.encode(images).ids());
                assertArrayEquals(pixels, copy.decodeLevels(tokens), 0f);
                // Its weights are its own: brightening the copy's decoder leaves the model's.
                NDArray bias = copy.params().get("decoder.head.bias");
                bias.stopGradient().addi(bias.getManager().ones(bias.getShape()));
                assertArrayEquals(pixels, model.decodeLevels(tokens), 0f);
            }
            // Closing the copy leaves the model usable.
            assertArrayEquals(tokens.ids(), model.encode(images).ids());
        }
    }
}
