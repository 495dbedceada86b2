package dev.tessera.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.format.NpyArray;
import dev.tessera.format.TokenFile;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.testing.ToyImages;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code tessera encode}'s token files as PyTorch users read them: int64 by default, int32 on
 * request, and a folder of class folders encoded with its labels beside the token file; and
 * {@code tessera export-triton} through the command line.
 */
class EncodeFilesTest extends CliTestBase {

    @Test
    void npyTokenFilesAreInt64UnlessInt32IsAskedFor() throws Exception {
        Path int64 = temp.resolve("t64.npy");
        Path int32 = temp.resolve("t32.npy");
        assertEquals(0, run(args("encode", "--model", model.toString(), "--out", int64.toString())));
        assertEquals(
                0,
                run(
                        args(
                                "encode",
                                "--model",
                                model.toString(),
                                "--dtype",
                                "int32",
                                "--out",
                                int32.toString())),
                err());
        assertEquals("<i8", NpyArray.read(int64).header().descr());
        assertEquals("<i4", NpyArray.read(int32).header().descr());
        TokenBatch expected = new TokenBatch(3, 2, 2, EXPECTED_IDS);
        assertEquals(expected, TokenFile.read(int64).tokens());
        assertEquals(expected, TokenFile.read(int32).tokens());

        assertEquals(
                2,
                run(args("encode", "--model", model.toString(), "--dtype", "uint8", "--out",
                        int64.toString())));
        assertTrue(err().contains("--dtype: expected int64 or int32, got \"uint8\""), err());
    }

    @Test
    void aFolderOfClassFoldersKeepsItsLabels() throws Exception {
        Path digits = temp.resolve("digits");
        Path zero = Files.createDirectories(digits.resolve("zero"));
        Path two = Files.createDirectories(digits.resolve("two/nested"));
        write(zero.resolve("a.png"), gray(ToyImages.quadrants()));
        write(two.resolve("b.png"), gray(ToyImages.uniform(1, 37)));
        write(zero.resolve("c.png"), gray(ToyImages.uniform(1, 37)));
        Path tokens = temp.resolve("out/tokens.npy");
        Files.createDirectories(tokens.getParent());
        assertEquals(
                0,
                run("encode", "--model", model.toString(), "--out", tokens.toString(),
                        digits.toString()),
                err());
        assertTrue(out().contains("labels of 2 classes in "), out());
        // Classes sorted by name: two = 0, zero = 1; files by path within each class.
        assertArrayEquals(
                new long[] {0, 1, 1},
                NpyArray.read(temp.resolve("out/tokens.labels.npy")).longs());
        assertEquals("<i8", NpyArray.read(temp.resolve("out/tokens.labels.npy")).header().descr());
        assertEquals(
                List.of("two", "zero"), Files.readAllLines(temp.resolve("out/tokens.classes.txt")));
        assertArrayEquals(
                new int[] {2, 2, 2, 2, 0, 15, 6, 4, 2, 2, 2, 2},
                TokenFile.read(tokens).tokens().ids());

        assertEquals(
                1,
                run("encode", "--model", model.toString(), "--out", tokens.toString(),
                        digits.toString(), images.get(0)));
        assertEquals(
                "error: "
                        + digits
                        + ": a folder of class folders must be the only image argument, so that"
                        + " every image has a label"
                        + System.lineSeparator(),
                err());
    }

    @Test
    void exportTritonWritesTheRepository() throws Exception {
        Path repo = temp.resolve("triton");
        assertEquals(
                0,
                run("export-triton", "--model", model.toString(), "--out", repo.toString(),
                        "--max-batch", "32"),
                err());
        assertTrue(Files.isRegularFile(repo.resolve("toy.encoder/1/model.onnx")));
        assertTrue(Files.isRegularFile(repo.resolve("toy.decoder/1/model.onnx")));
        assertTrue(
                Files.readString(repo.resolve("toy.encoder/config.pbtxt"))
                        .contains("max_batch_size: 32"));
        assertEquals(
                "wrote toy.encoder version 1: "
                        + repo.resolve("toy.encoder/1/model.onnx")
                        + System.lineSeparator()
                        + "wrote toy.decoder version 1: "
                        + repo.resolve("toy.decoder/1/model.onnx")
                        + System.lineSeparator()
                        + "serve them with: tritonserver --model-repository "
                        + repo
                        + System.lineSeparator(),
                out());
        assertEquals(
                1,
                run("export-triton", "--model", model.toString(), "--out", repo.toString()));
        assertTrue(err().contains("toy.encoder/1 already exists; give another --triton-version"),
                err());
    }
}
