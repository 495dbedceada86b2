package dev.tessera.train.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.train.model.FloatTensor;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Tensors that a tensor file must store exactly, for the tests of every format. */
public final class TensorFixtures {

    /** Values whose bits a text or double round trip would not keep. */
    public static final float[] AWKWARD = {
        1f / 3, -0.0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY, 1e-38f
    };

    private TensorFixtures() {}

    public static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    /** A matrix of awkward values, a scalar, an empty tensor and a non-ASCII name. */
    public static Map<String, FloatTensor> tensors() {
        Map<String, FloatTensor> t = new LinkedHashMap<>();
        t.put("encoder.stem.weight", new FloatTensor(new long[] {2, 3}, AWKWARD));
        t.put("scalar", new FloatTensor(new long[] {}, new float[] {(float) Math.PI}));
        t.put("empty", new FloatTensor(new long[] {0, 4}, new float[0]));
        t.put("ü-name", new FloatTensor(new long[] {1}, new float[] {7}));
        return t;
    }

    /** Reads a tensor file in one format. */
    @FunctionalInterface
    public interface Reader {
        void read(Path file) throws IOException;
    }

    /** Copies of {@code file} cut at several lengths each fail to read, saying "truncated". */
    public static void assertTruncationsFail(Path file, Reader reader) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        for (int keep : new int[] {bytes.length - 1, bytes.length / 2, 6, 0}) {
            Path cut = file.resolveSibling("cut" + keep + "-" + file.getFileName());
            Files.write(cut, Arrays.copyOf(bytes, keep));
            IOException e = assertThrows(IOException.class, () -> reader.read(cut));
            assertTrue(e.getMessage().contains("truncated"), keep + ": " + e.getMessage());
        }
    }

    /** The TSK1 writer as it was before safetensors replaced it; only tests still write TSK1. */
    public static void writeTsk1(Path file, Map<String, FloatTensor> tensors) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.writeInt(0x54534b31);
            out.writeInt(tensors.size());
            for (Map.Entry<String, FloatTensor> entry : tensors.entrySet()) {
                out.writeUTF(entry.getKey());
                long[] shape = entry.getValue().shape();
                out.writeInt(shape.length);
                for (long d : shape) {
                    out.writeLong(d);
                }
                for (float v : entry.getValue().data()) {
                    out.writeFloat(v);
                }
            }
        }
    }
}
