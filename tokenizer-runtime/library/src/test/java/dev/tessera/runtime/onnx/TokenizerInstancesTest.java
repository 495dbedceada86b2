package dev.tessera.runtime.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.testing.ToyTokenizer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Merged runs, instances and the reused run buffers: whatever the batch, the order of batch sizes
 * and the number of runs at once, every image gets the tokens (and every grid the pixels) it gets
 * alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenizerInstancesTest {

    @TempDir static Path temp;
    private Path dir;
    private Tokenizer reference;

    @BeforeAll
    void open() throws Exception {
        dir = ToyTokenizer.gray("toy", "1").writeTo(temp);
        reference = Tokenizer.open(dir);
    }

    @AfterAll
    void close() {
        reference.close();
    }

    private static ImageBatch images(Random random, int n) {
        byte[] pixels = new byte[n * 64];
        random.nextBytes(pixels);
        return new ImageBatch(n, 1, 8, 8, pixels);
    }

    /** The tokens of each image encoded alone, in order. */
    private int[] aloneTokens(ImageBatch images) {
        int[] ids = new int[images.count() * 4];
        for (int i = 0; i < images.count(); i++) {
            System.arraycopy(reference.encode(images.image(i)).ids(), 0, ids, i * 4, 4);
        }
        return ids;
    }

    /** The pixels of each grid decoded alone, in order. */
    private byte[] alonePixels(TokenBatch tokens) {
        byte[] pixels = new byte[tokens.count() * 64];
        for (int i = 0; i < tokens.count(); i++) {
            System.arraycopy(reference.decode(tokens.grid(i)).pixels(), 0, pixels, i * 64, 64);
        }
        return pixels;
    }

    @Test
    void mergedPartsGiveEachImageItsOwnTokensAsBuffersGrowAndShrink() {
        Random random = new Random(1);
        try (Tokenizer t = Tokenizer.open(dir)) {
            for (int[] sizes : new int[][] {{3}, {1}, {2, 5, 1}, {1}, {7, 7}, {2}}) {
                List<ImageBatch> parts = new ArrayList<>();
                List<TokenBatch> grids = new ArrayList<>();
                for (int n : sizes) {
                    parts.add(images(random, n));
                    grids.add(new TokenBatch(n, 2, 2, random.ints(n * 4, 0, 16).toArray()));
                }
                ImageBatch all = ImageBatch.concat(parts);
                TokenBatch tokens = t.encode(parts);
                assertEquals(all.count(), tokens.count());
                assertArrayEquals(aloneTokens(all), tokens.ids());
                TokenBatch allGrids = TokenBatch.concat(grids);
                ImageBatch decoded = t.decode(grids);
                assertEquals(allGrids.count(), decoded.count());
                assertArrayEquals(alonePixels(allGrids), decoded.pixels());
            }
        }
    }

    @Test
    void moreCallersThanInstancesEachGetTheirOwnAnswers() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try (Tokenizer t = Tokenizer.open(dir, TokenizerOptions.defaults().withInstances(3))) {
            assertEquals(3, t.instances());
            List<Future<?>> calls = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                long seed = 100 + c;
                calls.add(
                        pool.submit(
                                () -> {
                                    Random random = new Random(seed);
                                    for (int i = 0; i < 40; i++) {
                                        ImageBatch in = images(random, 1 + random.nextInt(9));
                                        assertArrayEquals(aloneTokens(in), t.encode(in).ids());
                                        TokenBatch grids =
                                                new TokenBatch(
                                                        in.count(),
                                                        2,
                                                        2,
                                                        random.ints(in.count() * 4, 0, 16)
                                                                .toArray());
                                        assertArrayEquals(
                                                alonePixels(grids), t.decode(grids).pixels());
                                    }
                                    return null;
                                }));
            }
            for (Future<?> f : calls) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anIdOutsideTheCodebookIsNamedByItsIndexOverAllParts() {
        TokenBatch fine = new TokenBatch(1, 2, 2, new int[] {1, 2, 3, 4});
        TokenBatch bad = new TokenBatch(1, 2, 2, new int[] {5, 6, 99, 7});
        InvalidInputException e =
                assertThrows(
                        InvalidInputException.class, () -> reference.decode(List.of(fine, bad)));
        assertEquals("tokens.ids[6]", e.field());
        assertEquals("tokens.ids[6]: expected a token id in [0,16), got 99", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> reference.encode(List.of()));
    }

    @Test
    void optionsRefuseNoInstances() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> TokenizerOptions.defaults().withInstances(0));
        assertEquals("instances: expected ≥ 1, got 0", e.getMessage());
    }
}
