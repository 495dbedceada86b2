package dev.tessera.train.io;

import dev.tessera.train.model.FloatTensor;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the tensor files Tessera wrote before it moved to {@link SafeTensors}, so that older
 * checkpoints still resume and older priors still load: magic "TSK1", count, then per tensor its
 * name (modified UTF-8), rank, dimensions and values, big-endian.
 */
public final class Tsk1TensorFile {

    private static final int MAGIC = 0x54534b31; // "TSK1"

    private Tsk1TensorFile() {}

    /** Whether {@code file} starts with the TSK1 magic number. */
    public static boolean isTsk1(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            return in.readInt() == MAGIC;
        } catch (EOFException e) {
            return false;
        }
    }

    /** The tensors of a TSK1 file, in their order in the file. */
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
