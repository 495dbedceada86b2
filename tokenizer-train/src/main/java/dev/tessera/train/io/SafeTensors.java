package dev.tessera.train.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;

import dev.tessera.train.model.FloatTensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named float32 tensors with string metadata in one safetensors file, the format of Hugging Face's
 * {@code safetensors} library, so that Python (numpy, PyTorch) reads what the trainer writes.
 *
 * <p>Layout: an unsigned 64-bit little-endian header length N; N bytes of UTF-8 JSON, padded with
 * spaces so the data starts at a multiple of 8; then the tensors' bytes, row-major, little-endian.
 * The JSON maps each tensor name to {@code {"dtype": "F32", "shape": [...], "data_offsets":
 * [begin, end]}} (offsets into the data, end exclusive) and the reserved key {@code __metadata__}
 * to a map of strings. Tensors are stored in the order given and read back in that order; the
 * values keep every bit, NaN payloads and signed zeros included.
 */
public final class SafeTensors {

    /** The key of the string map beside the tensors. */
    public static final String METADATA = "__metadata__";

    /** The only element type Tessera stores: IEEE 754 float32. */
    public static final String F32 = "F32";

    /** Larger headers are refused unread, as the reference implementation does. */
    private static final long MAX_HEADER_BYTES = 100L << 20;

    private static final int ALIGNMENT = 8;

    /** Tensor data moves through a buffer of this size, however large the tensor. */
    private static final int CHUNK_BYTES = 1 << 20;

    /**
     * What a file holds.
     *
     * @param tensors the tensors by name, in the order of their data in the file
     * @param metadata the {@code __metadata__} map; empty when the file has none
     */
    public record Contents(Map<String, FloatTensor> tensors, Map<String, String> metadata) {
        public Contents {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    /** One tensor's entry in the header. */
    private record Entry(String name, long[] shape, long begin, long end) {}

    private SafeTensors() {}

    private static Gson gson() {
        return new GsonBuilder().disableHtmlEscaping().create();
    }

    /**
     * Writes {@code tensors}, in their order, and {@code metadata} (left out when empty) to {@code
     * file}, replacing it.
     */
    public static void write(
            Path file, Map<String, FloatTensor> tensors, Map<String, String> metadata)
            throws IOException {
        byte[] header = header(tensors, metadata);
        try (FileChannel out =
                FileChannel.open(
                        file,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE)) {
            ByteBuffer length = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            length.putLong(header.length).flip();
            writeFully(out, length);
            writeFully(out, ByteBuffer.wrap(header));
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (FloatTensor tensor : tensors.values()) {
                float[] data = tensor.data();
                for (int from = 0; from < data.length; from += CHUNK_BYTES / Float.BYTES) {
                    int n = Math.min(data.length - from, CHUNK_BYTES / Float.BYTES);
                    chunk.clear();
                    chunk.asFloatBuffer().put(data, from, n);
                    chunk.limit(n * Float.BYTES);
                    writeFully(out, chunk);
                }
            }
        }
    }

    /** The JSON header, padded with spaces so that the data after it starts 8-byte aligned. */
    private static byte[] header(Map<String, FloatTensor> tensors, Map<String, String> metadata) {
        JsonObject json = new JsonObject();
        if (!metadata.isEmpty()) {
            json.add(METADATA, gson().toJsonTree(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
            if (e.getKey().equals(METADATA)) {
                throw new IllegalArgumentException(METADATA + " is reserved, not a tensor name");
            }
            long bytes = (long) e.getValue().data().length * Float.BYTES;
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", F32);
            JsonArray shape = new JsonArray();
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            entry.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(offset + bytes);
            entry.add("data_offsets", offsets);
            json.add(e.getKey(), entry);
            offset += bytes;
        }
        byte[] text = gson().toJson(json).getBytes(StandardCharsets.UTF_8);
        int padded = (int) ((text.length + Long.BYTES + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT);
        byte[] header = Arrays.copyOf(text, padded - Long.BYTES);
        Arrays.fill(header, text.length, header.length, (byte) ' ');
        return header;
    }

    /**
     * Reads {@code file}.
     *
     * @throws IOException when the file cannot be read, is truncated, is not a safetensors file, or
     *     holds a tensor that is not float32; the message names the file and what is wrong
     */
    public static Contents read(Path file) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            if (size < Long.BYTES) {
                throw new IOException(file + " is truncated: no safetensors header");
            }
            long headerBytes = readFully(in, 0, Long.BYTES).getLong();
            if (headerBytes < 2 || headerBytes > MAX_HEADER_BYTES) {
                throw new IOException(
                        file + " is not a safetensors file (header length " + headerBytes + ")");
            }
            if (headerBytes > size - Long.BYTES) {
                throw new IOException(
                        file + " is truncated: its header alone needs " + headerBytes + " bytes");
            }
            ByteBuffer headerBuffer = readFully(in, Long.BYTES, (int) headerBytes);
            String header = StandardCharsets.UTF_8.decode(headerBuffer).toString();
            Map<String, JsonElement> json = parse(file, header);
            Map<String, String> metadata = metadata(file, json.remove(METADATA));
            List<Entry> entries = entries(file, json);
            long dataStart = Long.BYTES + headerBytes;
            checkLayout(file, entries, size - dataStart);
            Map<String, FloatTensor> tensors = new LinkedHashMap<>();
            for (Entry e : entries) {
                tensors.put(e.name(), new FloatTensor(e.shape(), floats(in, dataStart, e)));
            }
            return new Contents(tensors, metadata);
        }
    }

    private static Map<String, JsonElement> parse(Path file, String header) throws IOException {
        if (!header.startsWith("{")) {
            throw new IOException(
                    file + " is not a safetensors file (its header is no JSON object)");
        }
        try {
            // A map, not a JsonObject: Gson's map adapter refuses duplicate keys, as the format
            // does.
            Map<String, JsonElement> json =
                    gson().fromJson(header, new TypeToken<LinkedHashMap<String, JsonElement>>() {});
            if (json == null) {
                throw new IOException(file + " has an empty safetensors header");
            }
            return json;
        } catch (JsonParseException e) {
            throw new IOException(
                    file + " has a corrupt safetensors header: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> metadata(Path file, JsonElement element)
            throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (element == null) {
            return metadata;
        }
        if (!element.isJsonObject()) {
            throw new IOException(file + ": " + METADATA + " is not a map of strings");
        }
        for (Map.Entry<String, JsonElement> e : element.getAsJsonObject().entrySet()) {
            if (!e.getValue().isJsonPrimitive() || !e.getValue().getAsJsonPrimitive().isString()) {
                throw new IOException(
                        file + ": " + METADATA + " entry " + e.getKey() + " is not a string");
            }
            metadata.put(e.getKey(), e.getValue().getAsString());
        }
        return metadata;
    }

    private static List<Entry> entries(Path file, Map<String, JsonElement> json)
            throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : json.entrySet()) {
            String name = e.getKey();
            try {
                JsonObject info = e.getValue().getAsJsonObject();
                String dtype = info.get("dtype").getAsString();
                if (!dtype.equals(F32)) {
                    throw new IOException(
                            file + ": tensor " + name + " is " + dtype + ", not F32");
                }
                JsonArray shapeJson = info.getAsJsonArray("shape");
                long[] shape = new long[shapeJson.size()];
                long elements = 1;
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = shapeJson.get(d).getAsLong();
                    if (shape[d] < 0) {
                        throw new IOException(file + ": tensor " + name + " has a negative size");
                    }
                    elements = Math.multiplyExact(elements, shape[d]);
                }
                JsonArray offsets = info.getAsJsonArray("data_offsets");
                long begin = offsets.get(0).getAsLong();
                long end = offsets.get(1).getAsLong();
                if (offsets.size() != 2
                        || elements > Integer.MAX_VALUE
                        || end - begin != elements * Float.BYTES) {
                    throw new IOException(
                            file + ": tensor " + name + " has offsets that do not fit its shape");
                }
                entries.add(new Entry(name, shape, begin, end));
            } catch (RuntimeException bad) {
                // Missing fields, wrong JSON types, overflowing sizes.
                throw new IOException(
                        file + ": tensor " + name + " has a corrupt header entry: " + bad, bad);
            }
        }
        entries.sort(Comparator.comparingLong(Entry::begin));
        return entries;
    }

    /** The data must be covered exactly: tensors back to back from 0 to the end of the file. */
    private static void checkLayout(Path file, List<Entry> entries, long dataBytes)
            throws IOException {
        long expected = 0;
        for (Entry e : entries) {
            if (e.begin() != expected) {
                throw new IOException(
                        file + ": tensor " + e.name() + " overlaps another or leaves a gap");
            }
            expected = e.end();
        }
        if (expected > dataBytes) {
            throw new IOException(
                    file
                            + " is truncated: its tensors need "
                            + expected
                            + " bytes of data, the file has "
                            + dataBytes);
        }
        if (expected < dataBytes) {
            throw new IOException(
                    file + " has " + (dataBytes - expected) + " bytes after its last tensor");
        }
    }

    /** The values of {@code e}, read a chunk at a time. */
    private static float[] floats(FileChannel in, long dataStart, Entry e) throws IOException {
        float[] data = new float[(int) ((e.end() - e.begin()) / Float.BYTES)];
        long position = dataStart + e.begin();
        for (int from = 0; from < data.length; from += CHUNK_BYTES / Float.BYTES) {
            int n = Math.min(data.length - from, CHUNK_BYTES / Float.BYTES);
            readFully(in, position + (long) from * Float.BYTES, n * Float.BYTES)
                    .asFloatBuffer()
                    .get(data, from, n);
        }
        return data;
    }

    private static ByteBuffer readFully(FileChannel in, long position, int bytes)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (in.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        return buffer.flip();
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }
}
