package dev.tessera.train.io;

import static dev.tessera.train.io.TensorFixtures.assertTruncationsFail;
import static dev.tessera.train.io.TensorFixtures.bits;
import static dev.tessera.train.io.TensorFixtures.tensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.tessera.train.model.FloatTensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link SafeTensors}: exact round trips, the byte layout of the format, and refused files. */
class SafeTensorsTest {

    private static final Map<String, String> METADATA = Map.of("producer", "tessera", "step", "7");

    @Test
    void roundTripKeepsEveryBitTheOrderAndTheMetadata(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("t.safetensors");
        Map<String, FloatTensor> written = new LinkedHashMap<>(tensors());
        float nanWithPayload = Float.intBitsToFloat(0x7fc0_1234);
        written.put("nan", new FloatTensor(new long[] {1}, new float[] {nanWithPayload}));
        SafeTensors.write(file, written, METADATA);
        SafeTensors.Contents read = SafeTensors.read(file);
        assertEquals(List.copyOf(written.keySet()), List.copyOf(read.tensors().keySet()));
        for (String name : written.keySet()) {
            FloatTensor t = read.tensors().get(name);
            assertArrayEquals(written.get(name).shape(), t.shape(), name);
            assertArrayEquals(bits(written.get(name).data()), bits(t.data()), name);
        }
        assertEquals(METADATA, read.metadata());
    }

    @Test
    void layoutIsTheSafetensorsFormat(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("t.safetensors");
        SafeTensors.write(file, tensors(), METADATA);
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = (int) bytes.getLong(0);
        assertEquals(0, (8 + headerLength) % 8, "the data starts 8-byte aligned");
        String header =
                new String(bytes.array(), 8, headerLength, StandardCharsets.UTF_8).stripTrailing();
        assertTrue(header.startsWith("{") && header.endsWith("}"), header);
        JsonObject json = JsonParser.parseString(header).getAsJsonObject();
        assertEquals("tessera", json.getAsJsonObject("__metadata__").get("producer").getAsString());
        JsonObject weight = json.getAsJsonObject("encoder.stem.weight");
        assertEquals("F32", weight.get("dtype").getAsString());
        assertEquals(List.of(2L, 3L), longs(weight.getAsJsonArray("shape")));
        assertEquals(List.of(0L, 24L), longs(weight.getAsJsonArray("data_offsets")));
        assertEquals(List.of(), longs(json.getAsJsonObject("scalar").getAsJsonArray("shape")));
        assertEquals(
                List.of(24L, 28L),
                longs(json.getAsJsonObject("scalar").getAsJsonArray("data_offsets")));
        assertEquals(
                List.of(28L, 28L),
                longs(json.getAsJsonObject("empty").getAsJsonArray("data_offsets")));
        int data = 8 + headerLength;
        assertEquals(1f / 3, bytes.getFloat(data), "little-endian float32, row-major");
        assertEquals((float) Math.PI, bytes.getFloat(data + 24));
        assertEquals(7f, bytes.getFloat(data + 28));
        assertEquals(data + 32, bytes.capacity(), "no bytes after the last tensor");
    }

    private static List<Long> longs(JsonArray array) {
        return array.asList().stream().map(JsonElement::getAsLong).toList();
    }

    @Test
    void pythonReadsTheValuesWithNumpy(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.safetensors");
        SafeTensors.write(file, tensors(), METADATA);
        JsonObject python = NumpyReader.read(file);
        assertEquals("7", python.getAsJsonObject("__metadata__").get("step").getAsString());
        tensors()
                .forEach(
                        (name, tensor) -> {
                            JsonObject read = python.getAsJsonObject(name);
                            assertEquals(
                                    Arrays.stream(tensor.shape()).boxed().toList(),
                                    longs(read.getAsJsonArray("shape")),
                                    name);
                            assertEquals(
                                    Arrays.stream(bits(tensor.data())).asLongStream()
                                            .map(b -> b & 0xffff_ffffL)
                                            .boxed()
                                            .toList(),
                                    longs(read.getAsJsonArray("bits")),
                                    name);
                        });
    }

    @Test
    void truncatedFileIsAnIOException(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("t.safetensors");
        SafeTensors.write(file, tensors(), METADATA);
        assertTruncationsFail(file, SafeTensors::read);
    }

    @Test
    void fileThatIsNotSafetensorsIsRefused(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("t.safetensors");
        Files.writeString(file, "not tensors at all");
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(file));
        assertTrue(e.getMessage().contains("not a safetensors file"), e.getMessage());
    }

    @Test
    void otherTypesGapsAndDuplicateNamesAreRefused(@TempDir Path dir) throws IOException {
        String f16 = "{\"a\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]}}";
        assertRefused(dir, f16, 2, "F16");
        String gap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertRefused(dir, gap, 8, "gap");
        String twice =
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertRefused(dir, twice, 8, "duplicate key");
        String shapeMismatch = "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,4]}}";
        assertRefused(dir, shapeMismatch, 4, "do not fit its shape");
    }

    private static void assertRefused(Path dir, String header, int dataBytes, String reason)
            throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer file =
                ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(json.length).put(json);
        Path path = dir.resolve("crafted.safetensors");
        Files.write(path, file.array());
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(path));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
