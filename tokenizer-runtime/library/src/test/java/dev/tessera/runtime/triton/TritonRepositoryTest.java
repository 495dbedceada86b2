package dev.tessera.runtime.triton;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.TextFormat;

import dev.tessera.api.triton.DataType;
import dev.tessera.api.triton.ModelConfig;
import dev.tessera.runtime.artifact.TokenizerLoadException;
import dev.tessera.runtime.testing.OldDirectory;
import dev.tessera.runtime.testing.ToyTokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code export-triton}'s model repository: the layout Triton expects, configurations that parse
 * as Triton's {@code ModelConfig} text with the tensors' names, types and dims, and the graphs
 * copied byte for byte.
 */
class TritonRepositoryTest {

    private static final TritonRepository.Settings SETTINGS =
            new TritonRepository.Settings(3, 64, 2000);

    @TempDir Path temp;

    private static ModelConfig parse(Path file) throws IOException {
        ModelConfig.Builder config = ModelConfig.newBuilder();
        TextFormat.getParser().merge(Files.readString(file), config);
        return config.build();
    }

    @Test
    void writesBothGraphsAsTritonModels() throws Exception {
        Path dir = ToyTokenizer.rgb("toy", "3").anySize().writeTo(temp);
        Path repo = temp.resolve("repo");
        List<Path> models = TritonRepository.write(dir, repo, SETTINGS);
        assertEquals(List.of(repo.resolve("toy.encoder"), repo.resolve("toy.decoder")), models);
        try (Stream<Path> files = Files.walk(repo)) {
            assertEquals(
                    List.of(
                            "toy.decoder/3/model.onnx",
                            "toy.decoder/config.pbtxt",
                            "toy.encoder/3/model.onnx",
                            "toy.encoder/config.pbtxt"),
                    files.filter(Files::isRegularFile)
                            .map(p -> repo.relativize(p).toString().replace('\\', '/'))
                            .sorted()
                            .toList());
        }
        assertArrayEquals(
                Files.readAllBytes(dir.resolve("encoder.onnx")),
                Files.readAllBytes(repo.resolve("toy.encoder/3/model.onnx")));
        assertArrayEquals(
                Files.readAllBytes(dir.resolve("decoder.onnx")),
                Files.readAllBytes(repo.resolve("toy.decoder/3/model.onnx")));

        ModelConfig encoder = parse(repo.resolve("toy.encoder/config.pbtxt"));
        assertEquals("toy.encoder", encoder.getName());
        assertEquals("onnxruntime_onnx", encoder.getPlatform());
        assertEquals(64, encoder.getMaxBatchSize());
        assertEquals(2000, encoder.getDynamicBatching().getMaxQueueDelayMicroseconds());
        assertEquals("pixels", encoder.getInput(0).getName());
        assertEquals(DataType.TYPE_UINT8, encoder.getInput(0).getDataType());
        assertEquals(List.of(3L, -1L, -1L), encoder.getInput(0).getDimsList());
        assertEquals("tokens", encoder.getOutput(0).getName());
        assertEquals(DataType.TYPE_INT32, encoder.getOutput(0).getDataType());
        assertEquals(List.of(-1L, -1L), encoder.getOutput(0).getDimsList());

        ModelConfig decoder = parse(repo.resolve("toy.decoder/config.pbtxt"));
        assertEquals("toy.decoder", decoder.getName());
        assertEquals("tokens", decoder.getInput(0).getName());
        assertEquals(DataType.TYPE_INT32, decoder.getInput(0).getDataType());
        assertEquals("pixels", decoder.getOutput(0).getName());
        assertEquals(List.of(3L, -1L, -1L), decoder.getOutput(0).getDimsList());
    }

    @Test
    void aFixedSizeModelGetsFixedDims() throws Exception {
        Path dir = OldDirectory.copyTo(temp);
        Path repo = temp.resolve("repo");
        TritonRepository.write(dir, repo, SETTINGS);
        String text = Files.readString(repo.resolve("legacy.encoder/config.pbtxt"));
        assertTrue(text.contains("platform: \"onnxruntime_onnx\""), text);
        assertTrue(text.contains("dynamic_batching {"), text);
        ModelConfig encoder = parse(repo.resolve("legacy.encoder/config.pbtxt"));
        assertEquals(List.of(1L, 8L, 8L), encoder.getInput(0).getDimsList());
        assertEquals(List.of(2L, 2L), encoder.getOutput(0).getDimsList());
    }

    @Test
    void anExistingVersionIsLeftAlone() throws Exception {
        Path dir = ToyTokenizer.gray("toy", "1").writeTo(temp);
        Path repo = temp.resolve("repo");
        TritonRepository.write(dir, repo, SETTINGS);
        IOException e =
                assertThrows(IOException.class, () -> TritonRepository.write(dir, repo, SETTINGS));
        assertTrue(e.getMessage().endsWith("toy.encoder/3 already exists; give another"
                + " --triton-version or remove that directory"), e.getMessage());
    }

    @Test
    void aCorruptDirectoryIsNotExported() throws Exception {
        Path dir = ToyTokenizer.gray("toy", "1").writeTo(temp);
        Files.write(dir.resolve("decoder.onnx"), new byte[] {1, 2, 3});
        assertThrows(
                TokenizerLoadException.class,
                () -> TritonRepository.write(dir, temp.resolve("repo"), SETTINGS));
        assertTrue(Files.notExists(temp.resolve("repo")));
    }

    @Test
    void tritonVersionsArePositiveIntegers() {
        assertEquals(7, TritonRepository.versionFor("7"));
        assertEquals(12, TritonRepository.versionFor("012"));
        assertEquals(1, TritonRepository.versionFor("2024.06"));
        assertEquals(1, TritonRepository.versionFor("0"));
        assertEquals(1, TritonRepository.versionFor("v2"));
    }
}
