package dev.tessera.runtime.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.artifact.TokenizerDirectory;
import dev.tessera.runtime.artifact.TokenizerLoadException;
import dev.tessera.runtime.testing.ToyImages;
import dev.tessera.runtime.testing.ToyTokenizer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenizerTest {

    @TempDir static Path temp;
    private Tokenizer gray;
    private Tokenizer rgb;

    @BeforeAll
    void open() throws Exception {
        gray = Tokenizer.open(ToyTokenizer.gray("toy", "1").writeTo(temp));
        rgb = Tokenizer.open(ToyTokenizer.rgb("toy-rgb", "3").writeTo(temp));
    }

    @AfterAll
    void close() {
        gray.close();
        rgb.close();
    }

    @Test
    void exposesTheManifest() {
        assertEquals("toy", gray.name());
        assertEquals("1", gray.version());
        assertEquals(16, gray.codebookSize());
        assertEquals(4, gray.codeDim());
        assertEquals(2, gray.gridHeight());
        assertEquals(2, gray.gridWidth());
        assertEquals(1, gray.channels());
        assertEquals(8, gray.imageHeight());
        assertEquals(8, gray.imageWidth());
        assertEquals("CPU", gray.executionProvider());
        assertEquals(3, gray.codebook().get(3, 0));
        assertEquals(3.375f, gray.codebook().get(3, 3));
    }

    @Test
    void encodesToHandComputedTokens() {
        TokenBatch tokens =
                gray.encode(ToyImages.grayBatch(ToyImages.quadrants(), ToyImages.uniform(1, 37)));
        assertEquals(2, tokens.count());
        assertArrayEquals(new int[] {0, 15, 6, 4, 2, 2, 2, 2}, tokens.ids());
    }

    @Test
    void decodesToHandComputedPixels() {
        ImageBatch images = gray.decode(new TokenBatch(1, 2, 2, ToyImages.QUADRANT_TOKENS.clone()));
        assertEquals(1, images.count());
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                int quadrant = (y / 4) * 2 + x / 4;
                assertEquals(
                        ToyImages.QUADRANT_PIXELS[quadrant],
                        images.pixel(0, 0, y, x),
                        "pixel (" + y + "," + x + ")");
            }
        }
    }

    @Test
    void rgbAveragesChannelsAndDecodesToEveryChannel() {
        byte[] p = new byte[3 * 64];
        for (int i = 0; i < 64; i++) {
            p[i] = 30;
            p[64 + i] = 60;
            p[128 + i] = (byte) 90;
        }
        TokenBatch tokens = rgb.encode(ImageBatch.single(3, 8, 8, p));
        assertArrayEquals(new int[] {3, 3, 3, 3}, tokens.ids());
        ImageBatch back = rgb.decode(tokens);
        assertEquals(3, back.channels());
        assertArrayEquals(ToyImages.uniform(3, 56), back.pixels());
    }

    @Test
    void tokensDoNotDependOnTheBatch() {
        byte[] image = ToyImages.quadrants();
        int[] alone = gray.encode(ToyImages.grayBatch(image)).ids();
        TokenBatch batch =
                gray.encode(
                        ToyImages.grayBatch(
                                ToyImages.uniform(1, 200), image, ToyImages.uniform(1, 3)));
        assertArrayEquals(alone, batch.grid(1).ids());
        assertArrayEquals(new int[] {12, 12, 12, 12}, batch.grid(0).ids());
        assertArrayEquals(new int[] {0, 0, 0, 0}, batch.grid(2).ids());
    }

    @Test
    void wrongImageShapeNamesPixelsShape() {
        InvalidInputException e =
                assertThrows(
                        InvalidInputException.class,
                        () -> gray.encode(new ImageBatch(2, 3, 8, 8, new byte[2 * 3 * 64])));
        assertEquals("pixels.shape", e.field());
        assertEquals("pixels.shape: expected [N,1,8,8] with N ≥ 1, got [2,3,8,8]", e.getMessage());
    }

    @Test
    void wrongGridShapeNamesTokensShape() {
        InvalidInputException e =
                assertThrows(
                        InvalidInputException.class,
                        () -> gray.decode(new TokenBatch(1, 3, 2, new int[6])));
        assertEquals("tokens.shape", e.field());
        assertEquals("tokens.shape: expected [N,2,2] with N ≥ 1, got [1,3,2]", e.getMessage());
    }

    @Test
    void idAtOrAboveKIsRefusedWithItsIndex() {
        InvalidInputException e =
                assertThrows(
                        InvalidInputException.class,
                        () ->
                                gray.decode(
                                        new TokenBatch(
                                                2, 2, 2, new int[] {0, 1, 2, 3, 4, 16, 6, 7})));
        assertEquals("tokens.ids[5]", e.field());
        assertEquals("tokens.ids[5]: expected a token id in [0,16), got 16", e.getMessage());
    }

    @Test
    void negativeIdIsRefusedWithItsIndex() {
        InvalidInputException e =
                assertThrows(
                        InvalidInputException.class,
                        () -> gray.decode(new TokenBatch(1, 2, 2, new int[] {-1, 0, 0, 0})));
        assertEquals("tokens.ids[0]", e.field());
        assertTrue(e.getMessage().contains("got -1"), e.getMessage());
    }

    @Test
    void concurrentCallsGiveTheSameTokens() throws Exception {
        ImageBatch batch = ToyImages.grayBatch(ToyImages.quadrants(), ToyImages.uniform(1, 37));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<int[]>> futures = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                futures.add(pool.submit(() -> gray.encode(batch).ids()));
            }
            for (Future<int[]> f : futures) {
                assertArrayEquals(new int[] {0, 15, 6, 4, 2, 2, 2, 2}, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closedTokenizerRefusesCalls() throws Exception {
        Tokenizer t = Tokenizer.open(ToyTokenizer.gray("closing", "1").writeTo(temp));
        t.close();
        t.close();
        assertThrows(
                TokenizerClosedException.class,
                () -> t.encode(ToyImages.grayBatch(ToyImages.quadrants())));
    }

    @Test
    void cudaRequestFallsBackToCpu() throws Exception {
        Path dir = ToyTokenizer.gray("cuda", "1").writeTo(temp);
        try (Tokenizer t =
                Tokenizer.open(
                        dir, TokenizerOptions.defaults().withCuda(true).withIntraOpThreads(1))) {
            assertEquals("CPU", t.executionProvider());
            assertArrayEquals(
                    ToyImages.QUADRANT_TOKENS,
                    t.encode(ToyImages.grayBatch(ToyImages.quadrants())).ids());
        }
    }

    @Test
    void flippedByteInEncoderIsRefusedNamingTheFile() throws Exception {
        Path dir = ToyTokenizer.gray("corrupt", "1").writeTo(temp);
        Path encoder = dir.resolve(TokenizerDirectory.ENCODER);
        byte[] bytes = Files.readAllBytes(encoder);
        bytes[bytes.length / 2] ^= 1;
        Files.write(encoder, bytes);
        TokenizerLoadException e =
                assertThrows(TokenizerLoadException.class, () -> Tokenizer.open(dir));
        assertTrue(
                e.getMessage().startsWith("encoder.onnx: SHA-256 mismatch (manifest "),
                e.getMessage());
        assertTrue(
                e.getMessage().endsWith("the tokenizer directory is corrupt or was modified"),
                e.getMessage());
    }

    @Test
    void graphThatDisagreesWithTheManifestIsRefused() throws Exception {
        ToyTokenizer spec = ToyTokenizer.gray("mismatch", "1");
        Path dir = spec.writeTo(temp);
        // A decoder for RGB images behind a grayscale manifest.
        Files.write(
                dir.resolve(TokenizerDirectory.DECODER),
                ToyTokenizer.rgb("mismatch", "1").decoder().toByteArray());
        TokenizerDirectory.writeManifest(
                dir, TokenizerDirectory.withChecksums(dir, spec.manifest()));
        TokenizerLoadException e =
                assertThrows(TokenizerLoadException.class, () -> Tokenizer.open(dir));
        assertEquals(
                "decoder.onnx: expected output \"pixels\" uint8 [N,1,8,8], got uint8 [N,3,8,8];"
                        + " the graph does not match the manifest",
                e.getMessage());
    }
}
