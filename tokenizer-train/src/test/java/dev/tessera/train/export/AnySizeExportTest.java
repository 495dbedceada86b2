package dev.tessera.train.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import dev.tessera.api.v1.TokenizerManifest;
import dev.tessera.api.v1.TrainingSummary;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.artifact.ManifestJson;
import dev.tessera.runtime.artifact.TokenizerDirectory;
import dev.tessera.runtime.onnx.OrtEnvironments;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.train.data.SyntheticShapes;
import dev.tessera.train.model.Architecture;
import dev.tessera.train.model.TokenizerNetwork;
import dev.tessera.train.quantize.GmVqConfig;
import dev.tessera.train.quantize.GmVqQuantizer;
import dev.tessera.train.train.OptimizerConfig;
import dev.tessera.train.train.TokenizerTrainer;
import dev.tessera.train.train.TrainConfig;
import dev.tessera.train.train.TrainedTokenizer;

import ai.onnxruntime.OrtSession;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

/**
 * A tokenizer trained on 32×32 images (downsampling factor 4) and exported takes images of any
 * multiple of 4: a 64×64 image made of four 32×32 tiles encodes to a 16×16 grid and decodes to
 * 64×64 pixels about as well as the tiles do one by one; a side that is no multiple of 4 is
 * refused. The graphs carry the manifest's provenance.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnySizeExportTest {

    private static final int TILES = 8;

    @TempDir static Path temp;
    private Path dir;
    private Tokenizer tokenizer;

    @BeforeAll
    void trainAndExport() throws Exception {
        Architecture arch = new Architecture(1, 32, 32, 8, 4, 4, 1);
        try (TrainedTokenizer model =
                new TokenizerTrainer(
                                new TokenizerNetwork(arch),
                                new GmVqQuantizer(GmVqConfig.defaults(32, 4)),
                                new TrainConfig(
                                        30, 16, OptimizerConfig.constant(4e-3), 5, 2, 100),
                                Device.cpu(),
                                p -> {})
                        .train(new SyntheticShapes().generate(256, 5))) {
            dir = temp.resolve("any-size");
            ExportCheck check =
                    new TokenizerExporter("test")
                            .export(
                                    model,
                                    new TokenizerExporter.Description(
                                            "any-size", "1", TrainingSummary.getDefaultInstance(),
                                            Map.of()),
                                    new SyntheticShapes().generate(8, 6),
                                    dir,
                                    false);
            assertTrue(check.passed(), check.summary());
        }
        tokenizer = Tokenizer.open(dir);
    }

    @AfterAll
    void close() {
        tokenizer.close();
    }

    @Test
    void theManifestRecordsTheTrainingSizeAndTheMultiple() {
        TokenizerManifest m = tokenizer.manifest();
        assertEquals(32, m.getInput().getHeight());
        assertEquals(32, m.getInput().getWidth());
        assertEquals(4, m.getInput().getSizeMultiple());
        assertEquals(8, m.getGrid().getHeight());
    }

    @Test
    void aSixtyFourImageOfFourTilesReconstructsLikeTheTiles() {
        ImageBatch tiles = new SyntheticShapes().generate(4 * TILES, 11);
        ImageBatch large = mosaics(tiles);
        TokenBatch tokens = tokenizer.encode(large);
        assertArrayEquals(new long[] {TILES, 16, 16}, tokens.shape());
        ImageBatch decoded = tokenizer.decode(tokens);
        assertArrayEquals(new long[] {TILES, 1, 64, 64}, decoded.shape());

        double tileMse = mse(tiles, tokenizer.decode(tokenizer.encode(tiles)));
        double largeMse = mse(large, decoded);
        double variance = variance(large);
        // Positions at the seams see their neighbour tile instead of zero padding, so the mosaic
        // is not bit-identical to its tiles; its error must stay close to theirs, and well below
        // what predicting the mean pixel would give.
        assertTrue(
                largeMse < 1.25 * tileMse + 1e-4,
                "64x64 MSE " + largeMse + " against the tiles' " + tileMse);
        assertTrue(
                largeMse < 0.5 * variance,
                "64x64 MSE " + largeMse + " against the pixel variance " + variance);
    }

    @Test
    void aSideThatIsNoMultipleOfFourIsRefused() {
        InvalidInputException e =
                assertThrows(
                        InvalidInputException.class,
                        () -> tokenizer.encode(new ImageBatch(1, 1, 64, 62, new byte[64 * 62])));
        assertEquals(
                "pixels.shape: expected [N,1,H,W] with N ≥ 1 and H, W positive multiples of 4,"
                        + " got [1,1,64,62]",
                e.getMessage());
    }

    @Test
    void theGraphsNameTheirModelAndManifest() throws Exception {
        String hash = ManifestJson.identityHash(TokenizerDirectory.readManifest(dir));
        for (String graph : new String[] {"encoder.onnx", "decoder.onnx"}) {
            try (OrtSession session =
                    OrtEnvironments.get()
                            .createSession(
                                    dir.resolve(graph).toString(),
                                    new OrtSession.SessionOptions())) {
                Map<String, String> props = session.getMetadata().getCustomMetadata();
                assertEquals("any-size", props.get("tessera.name"), graph);
                assertEquals("1", props.get("tessera.version"), graph);
                assertEquals("32", props.get("tessera.codebook_size"), graph);
                assertEquals("8x8", props.get("tessera.grid"), graph);
                assertEquals(hash, props.get("tessera.manifest_sha256"), graph);
            }
        }
    }

    /** Image i of the result is tiles 4i..4i+3 laid out 2×2, row-major. */
    private static ImageBatch mosaics(ImageBatch tiles) {
        int n = tiles.count() / 4;
        byte[] out = new byte[n * 64 * 64];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < 4; t++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        int oy = (t / 2) * 32 + y;
                        int ox = (t % 2) * 32 + x;
                        out[i * 4096 + oy * 64 + ox] = (byte) tiles.pixel(4 * i + t, 0, y, x);
                    }
                }
            }
        }
        return new ImageBatch(n, 1, 64, 64, out);
    }

    /** Mean squared error in [0, 1] pixel units. */
    private static double mse(ImageBatch a, ImageBatch b) {
        double sum = 0;
        for (int i = 0; i < a.pixels().length; i++) {
            double d = ((a.pixels()[i] & 0xff) - (b.pixels()[i] & 0xff)) / 255.0;
            sum += d * d;
        }
        return sum / a.pixels().length;
    }

    private static double variance(ImageBatch a) {
        double sum = 0;
        double squares = 0;
        for (byte p : a.pixels()) {
            double v = (p & 0xff) / 255.0;
            sum += v;
            squares += v * v;
        }
        double mean = sum / a.pixels().length;
        return squares / a.pixels().length - mean * mean;
    }
}
