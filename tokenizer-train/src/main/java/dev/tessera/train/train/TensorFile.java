package dev.tessera.train.train;

import dev.tessera.train.model.FloatTensor;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named float tensors in one binary file: magic, count, then per tensor its name, rank, dimensions
 * and values, big-endian. Exact: a checkpoint restores the very bits it saved.
 */
public final class TensorFile {

    private static final int MAGIC = 0x54534b31; // "TSK1"

    private TensorFile() {}

    public static void write(Path file, Map<String, FloatTensor> tensors) throws IOException {
        try (DataOutputStream out =
                new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(MAGIC);
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

    public static Map<String, FloatTensor> read(Path file) throws IOException {
        try (DataInputStream in =
                new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(file + " is not a Tessera tensor file (bad magic number)");
            }
            int count = in.readInt();
            Map<String, FloatTensor> tensors = new LinkedHashMap<>();
            for (int t = 0; t < count; t++) {
                String name = in.readUTF();
                long[] shape = new long[in.readInt()];
                long size = 1;
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = in.readLong();
                    size *= shape[d];
                }
                if (size < 0 || size > Integer.MAX_VALUE) {
                    throw new IOException(file + ": tensor " + name + " has a corrupt shape");
                }
                float[] data = new float[(int) size];
                for (int i = 0; i < data.length; i++) {
                    data[i] = in.readFloat();
                }
                tensors.put(name, new FloatTensor(shape, data));
            }
            return tensors;
        } catch (EOFException e) {
            throw new IOException(file + " is truncated", e);
        }
    }
}
