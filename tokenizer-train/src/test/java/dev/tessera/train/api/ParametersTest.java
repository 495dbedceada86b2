package dev.tessera.train.api;

import static dev.tessera.train.io.TensorFixtures.AWKWARD;
import static dev.tessera.train.io.TensorFixtures.bits;
import static dev.tessera.train.io.TensorFixtures.writeTsk1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;

import dev.tessera.train.io.SafeTensors;
import dev.tessera.train.model.FloatTensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link Parameters} on disk: safetensors, exact and in order; older TSK1 files load too. */
class ParametersTest {

    @Test
    void savedParametersLoadBitForBitInTheirOrder(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("weights.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            Parameters saved = new Parameters(manager);
            saved.put("z.weight", AWKWARD, 2, 3);
            saved.put("a.bias", new float[] {1, 2}, 2);
            saved.save(file, Map.of("model", "test"));
            assertEquals(8, saved.count());

            assertEquals(Map.of("model", "test"), SafeTensors.read(file).metadata());
            Parameters loaded = Parameters.load(file, manager);
            assertEquals(List.of("z.weight", "a.bias"), List.copyOf(loaded.arrays().keySet()));
            assertArrayEquals(bits(AWKWARD), bits(loaded.get("z.weight").toFloatArray()));
            assertArrayEquals(new long[] {2, 3}, loaded.get("z.weight").getShape().getShape());
            assertEquals(8, loaded.count(), "loaded arrays are trainable");
        }
    }

    @Test
    void weightsSavedInTheTsk1FormatStillLoad(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("parameters.bin");
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        tensors.put("w", new FloatTensor(new long[] {3, 2}, AWKWARD));
        tensors.put("b", new FloatTensor(new long[] {1}, new float[] {-4}));
        writeTsk1(file, tensors);
        try (NDManager manager = NDManager.newBaseManager()) {
            Parameters loaded = Parameters.load(file, manager);
            assertEquals(List.of("w", "b"), List.copyOf(loaded.arrays().keySet()));
            assertArrayEquals(bits(AWKWARD), bits(loaded.get("w").toFloatArray()));
            assertArrayEquals(new float[] {-4}, loaded.get("b").toFloatArray());
        }
    }
}
