package dev.tessera.runtime.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.api.v1.TokenizerManifest;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.artifact.ManifestSchema;
import dev.tessera.runtime.artifact.TokenizerDirectory;
import dev.tessera.runtime.artifact.TokenizerLoadException;
import dev.tessera.runtime.testing.ToyTokenizer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * A tokenizer whose manifest records a size multiple takes any image whose sides are multiples of
 * its downsampling factor (the toy's is 4: 8×8 images, 2×2 grid) and returns the grid of that
 * size; other sizes are refused naming the rule.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DynamicSizeTest {

    @TempDir static Path temp;
    private Tokenizer toy;

    @BeforeAll
    void open() throws Exception {
        toy = Tokenizer.open(ToyTokenizer.gray("any", "1").anySize().writeTo(temp));
    }

    @AfterAll
    void close() {
        toy.close();
    }

    /** A gray image of {@code h × w} whose 4×4 patch (r, c) holds the value 16·(r + 2c) + 5. */
    private static ImageBatch patches(int h, int w) {
        byte[] p = new byte[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                p[y * w + x] = (byte) (16 * (y / 4 + 2 * (x / 4)) + 5);
            }
        }
        return new ImageBatch(1, 1, h, w, p);
    }

    @Test
    void encodesAnImageOfAnotherMultipleToItsOwnGrid() {
        TokenBatch tokens = toy.encode(patches(16, 8));
        assertArrayEquals(new long[] {1, 4, 2}, tokens.shape());
        // token = floor(mean / 16) = r + 2c.
        assertArrayEquals(new int[] {0, 2, 1, 3, 2, 4, 3, 5}, tokens.ids());
        assertEquals(4, toy.summary().getSizeMultiple());
    }

    @Test
    void decodesAGridOfAnotherSizeToItsImage() {
        ImageBatch images = toy.decode(new TokenBatch(2, 3, 1, new int[] {0, 1, 2, 15, 14, 13}));
        assertArrayEquals(new long[] {2, 1, 12, 4}, images.shape());
        assertEquals(8, images.pixel(0, 0, 0, 0));
        assertEquals(40, images.pixel(0, 0, 11, 3));
        assertEquals(248, images.pixel(1, 0, 3, 2));
    }

    @Test
    void aSizeThatIsNoMultipleIsRefusedNamingTheRule() {
        InvalidInputException e =
                assertThrows(
                        InvalidInputException.class,
                        () -> toy.encode(new ImageBatch(1, 1, 10, 8, new byte[80])));
        assertEquals("pixels.shape", e.field());
        assertEquals(
                "pixels.shape: expected [N,1,H,W] with N ≥ 1 and H, W positive multiples of 4,"
                        + " got [1,1,10,8]",
                e.getMessage());
    }

    @Test
    void unitsCountTrainingSizeImages() {
        ModelShapes shapes = toy.shapes();
        assertEquals(3, shapes.units(3, 8, 8));
        assertEquals(4, shapes.units(1, 16, 16));
        assertEquals(2, shapes.units(1, 12, 8), "1.5 rounds up");
        assertEquals(4, shapes.gridUnits(1, 4, 4));
        assertEquals(Long.MAX_VALUE, shapes.units(1L << 40, 1L << 20, 1L << 20));
    }

    @Test
    void aFixedSizeGraphBehindADynamicManifestIsRefusedAtLoad() throws Exception {
        ToyTokenizer fixed = ToyTokenizer.gray("fixed-graph", "1");
        Path dir = fixed.writeTo(temp);
        TokenizerDirectory.writeManifest(
                dir, TokenizerDirectory.withChecksums(dir, fixed.anySize().manifest()));
        TokenizerLoadException e =
                assertThrows(TokenizerLoadException.class, () -> Tokenizer.open(dir));
        assertEquals(
                "encoder.onnx: expected input \"pixels\" uint8 [N,1,dynamic,dynamic], got uint8"
                        + " [N,1,8,8]; the graph does not match the manifest",
                e.getMessage());
    }

    @Test
    void aSizeMultipleThatIsNoMultipleOfTheFactorIsRefused() {
        TokenizerManifest m = ToyTokenizer.gray("bad", "1").manifest();
        TokenizerManifest odd =
                m.toBuilder().setInput(m.getInput().toBuilder().setSizeMultiple(2)).build();
        TokenizerLoadException e =
                assertThrows(TokenizerLoadException.class, () -> ManifestSchema.check(odd));
        assertEquals(
                "tessera.json is invalid: input.size_multiple: expected a multiple of the"
                        + " downsampling factor 4 that divides the training size 8x8, got 2",
                e.getMessage());
    }
}
