package dev.tessera.examples.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A prior's files: the weights are a safetensors file, and a prior saved before safetensors (TSK1
 * {@code parameters.bin}, see {@code tsk1-prior/ORIGIN.txt}) still loads with its exact weights.
 */
class PriorFilesTest {

    private static final GridShape SHAPE = new GridShape(4, 2, 2, 2);
    private static final PriorConfig CONFIG = new PriorConfig(1, 1, 4, 1, 1, 1e-3, 0, 9);

    @Test
    void aPriorSavedBeforeSafetensorsStillLoads() throws Exception {
        Path dir = Path.of(getClass().getResource("tsk1-prior").toURI());
        try (TransformerPrior old = PriorFiles.load(dir, Device.cpu());
                TransformerPrior fresh = TransformerPrior.create(SHAPE, CONFIG, Device.cpu())) {
            assertEquals(SHAPE, old.shape());
            assertEquals(CONFIG, old.config());
            // Untrained: its weights are the seeded initial ones, drawn again here.
            Map<String, NDArray> expected = fresh.parameters().arrays();
            assertEquals(expected.keySet(), old.parameters().arrays().keySet());
            expected.forEach(
                    (name, array) ->
                            assertArrayEquals(
                                    array.toFloatArray(),
                                    old.parameters().get(name).toFloatArray(),
                                    0f,
                                    name));
        }
    }

    @Test
    void weightsAreWrittenAsSafetensors(@TempDir Path dir) throws Exception {
        try (TransformerPrior prior = TransformerPrior.create(SHAPE, CONFIG, Device.cpu())) {
            PriorFiles.save(prior, dir);
        }
        byte[] bytes = Files.readAllBytes(dir.resolve("parameters.safetensors"));
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\""), header);
        assertTrue(header.contains("\"model\":\"transformer-prior\""), header);
        assertTrue(header.contains("\"embed.tokens\":{\"dtype\":\"F32\",\"shape\":[4,4]"), header);
        assertTrue(Files.notExists(dir.resolve("parameters.bin")));
    }
}
