package dev.tessera.train.io;

import static dev.tessera.train.io.TensorFixtures.assertTruncationsFail;
import static dev.tessera.train.io.TensorFixtures.bits;
import static dev.tessera.train.io.TensorFixtures.tensors;
import static dev.tessera.train.io.TensorFixtures.writeTsk1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.train.model.FloatTensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@link Tsk1TensorFile} reads what Tessera's TSK1 writer wrote, refusing what it did not. */
class Tsk1TensorFileTest {

    @Test
    void readsEveryBitInOrder(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("t.bin");
        Map<String, FloatTensor> written = tensors();
        writeTsk1(file, written);
        assertTrue(Tsk1TensorFile.isTsk1(file));
        Map<String, FloatTensor> read = Tsk1TensorFile.read(file);
        assertEquals(List.copyOf(written.keySet()), List.copyOf(read.keySet()));
        for (String name : written.keySet()) {
            assertArrayEquals(written.get(name).shape(), read.get(name).shape(), name);
            assertArrayEquals(bits(written.get(name).data()), bits(read.get(name).data()), name);
        }
    }

    @Test
    void truncatedFileIsAnIOException(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("t.bin");
        writeTsk1(file, tensors());
        assertTruncationsFail(file, Tsk1TensorFile::read);
    }

    @Test
    void fileWithoutTheMagicNumberIsRefused(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("t.bin");
        Files.writeString(file, "not tensors at all");
        assertFalse(Tsk1TensorFile.isTsk1(file));
        IOException e = assertThrows(IOException.class, () -> Tsk1TensorFile.read(file));
        assertTrue(e.getMessage().contains("bad magic number"), e.getMessage());
    }
}
