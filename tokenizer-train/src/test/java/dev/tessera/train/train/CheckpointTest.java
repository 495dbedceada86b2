package dev.tessera.train.train;

import static dev.tessera.train.io.TensorFixtures.AWKWARD;
import static dev.tessera.train.io.TensorFixtures.bits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;

import dev.tessera.train.io.NumpyReader;
import dev.tessera.train.io.SafeTensors;
import dev.tessera.train.model.FloatTensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** {@link Checkpoint} on disk. */
class CheckpointTest {

    private static Checkpoint checkpoint(int step, float scale) {
        Map<String, FloatTensor> params = new LinkedHashMap<>();
        params.put("z.weight", new FloatTensor(new long[] {2, 3}, AWKWARD));
        params.put("a.bias", new FloatTensor(new long[] {2}, new float[] {scale, -scale}));
        params.put("quantizer.ema", new FloatTensor(new long[] {1}, new float[] {step}));
        Map<String, FloatTensor> moments = new LinkedHashMap<>();
        moments.put("z.weight#m", new FloatTensor(new long[] {2, 3}, AWKWARD));
        moments.put("z.weight#v", new FloatTensor(new long[] {2, 3}, new float[6]));
        moments.put("a.bias#m", new FloatTensor(new long[] {2}, new float[] {1e-9f, 2}));
        moments.put("a.bias#v", new FloatTensor(new long[] {2}, new float[] {3, 4}));
        List<TrainingProgress> history =
                List.of(
                        new TrainingProgress(10, 100, 0.5, 0.25, 0.75, Double.NaN, 1.5),
                        new TrainingProgress(20, 100, 0.1 + 0.2, 1e-17, 1, 0.3, 3));
        return new Checkpoint(
                step,
                100,
                12.25,
                params,
                Set.of("quantizer.ema"),
                step * 2L,
                moments,
                history,
                Map.of("steps", "100", "quantizer", "vq-ema"));
    }

    private static final List<String> ORDER = List.of("z.weight", "a.bias", "quantizer.ema");

    @Test
    void checkpointRoundTripIsExact(@TempDir Path dir) throws IOException {
        Checkpoint saved = checkpoint(7, 0.125f);
        Path folder = saved.save(dir, ORDER);
        assertEquals(dir.resolve("step-7"), folder);
        assertTrue(Checkpoint.exists(dir));

        Checkpoint loaded = Checkpoint.load(dir);
        assertEquals(saved, loaded);
        assertEquals(ORDER, List.copyOf(loaded.params().keySet()));
        assertArrayEquals(bits(AWKWARD), bits(loaded.params().get("z.weight").data()));
        assertArrayEquals(bits(AWKWARD), bits(loaded.adamMoments().get("z.weight#m").data()));
        assertEquals(Set.of("quantizer.ema"), loaded.buffers());
        assertEquals(14L, loaded.adamStep());
        assertEquals(12.25, loaded.elapsedSeconds());
        assertTrue(Double.isNaN(loaded.history().get(0).temperature()));
        assertEquals(0.1 + 0.2, loaded.history().get(1).loss());
        assertEquals("vq-ema", loaded.settings().get("quantizer"));
    }

    @Test
    void newerCheckpointReplacesTheOlderOne(@TempDir Path dir) throws IOException {
        checkpoint(3, 1f).save(dir, ORDER);
        checkpoint(6, 2f).save(dir, ORDER);
        try (Stream<Path> entries = Files.list(dir)) {
            assertEquals(
                    Set.of("LATEST", "step-6"),
                    Set.copyOf(entries.map(p -> p.getFileName().toString()).toList()));
        }
        assertEquals("step-6", Files.readString(dir.resolve("LATEST")).trim());
        Checkpoint loaded = Checkpoint.load(dir);
        assertEquals(6, loaded.step());
        assertArrayEquals(new float[] {2f, -2f}, loaded.params().get("a.bias").data(), 0f);

        // Saving the same step again (a re-run epoch end) overwrites it in place.
        checkpoint(6, 3f).save(dir, ORDER);
        assertArrayEquals(
                new float[] {3f, -3f}, Checkpoint.load(dir).params().get("a.bias").data(), 0f);
    }

    @Test
    void tensorsAreSafetensorsFilesThatPythonReads(@TempDir Path dir) throws Exception {
        Checkpoint saved = checkpoint(7, 0.125f);
        Path folder = saved.save(dir, ORDER);
        SafeTensors.Contents params = SafeTensors.read(folder.resolve("parameters.safetensors"));
        assertEquals(ORDER, List.copyOf(params.tensors().keySet()));
        assertEquals(
                Map.of("producer", "tessera", "step", "7", "buffers", "quantizer.ema"),
                params.metadata());
        SafeTensors.Contents adam = SafeTensors.read(folder.resolve("adam.safetensors"));
        assertEquals(saved.adamMoments(), adam.tensors());
        assertEquals("14", adam.metadata().get("adam_step"));

        JsonObject python = NumpyReader.read(folder.resolve("parameters.safetensors"));
        assertEquals(
                "quantizer.ema",
                python.getAsJsonObject("__metadata__").get("buffers").getAsString());
        JsonObject weight = python.getAsJsonObject("z.weight");
        int[] pythonBits =
                weight.getAsJsonArray("bits").asList().stream()
                        .mapToInt(b -> (int) b.getAsLong())
                        .toArray();
        assertArrayEquals(bits(AWKWARD), pythonBits, "Python reads the very bits saved");
    }

    @Test
    void directoryWithoutACheckpointGivesAnActionableMessage(@TempDir Path dir) {
        assertFalse(Checkpoint.exists(dir));
        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(dir));
        assertTrue(e.getMessage().contains("holds no checkpoint"), e.getMessage());
        assertTrue(e.getMessage().contains("--checkpoint-dir"), e.getMessage());
    }

    @Test
    void truncatedParameterFileFailsTheLoad(@TempDir Path dir) throws IOException {
        Path folder = checkpoint(4, 1f).save(dir, ORDER);
        Path params = folder.resolve("parameters.safetensors");
        byte[] bytes = Files.readAllBytes(params);
        Files.write(params, java.util.Arrays.copyOf(bytes, bytes.length - 5));
        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(dir));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void corruptMetadataFailsTheLoad(@TempDir Path dir) throws IOException {
        Path folder = checkpoint(4, 1f).save(dir, ORDER);
        Files.writeString(folder.resolve("checkpoint.json"), "{\"format\": 99}");
        IOException format = assertThrows(IOException.class, () -> Checkpoint.load(dir));
        assertTrue(format.getMessage().contains("format 1"), format.getMessage());
        Files.writeString(folder.resolve("checkpoint.json"), "{\"format\": ");
        IOException json = assertThrows(IOException.class, () -> Checkpoint.load(dir));
        assertTrue(json.getMessage().contains("not valid JSON"), json.getMessage());
    }
}
