package dev.tessera.train.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The API's measurements give the trainer's numbers. */
class MeasurementsTest {

    @Test
    void reconstructionQualityOfAKnownRoundTrip() {
        ImageBatch originals = new ImageBatch(1, 1, 2, 2, new byte[] {0, (byte) 255, 0, 0});
        ImageBatch decoded = new ImageBatch(1, 1, 2, 2, new byte[] {0, (byte) 255, (byte) 255, 0});
        TokenBatch tokens = new TokenBatch(1, 2, 2, new int[] {0, 0, 1, 1});
        ReconstructionQuality q = ReconstructionQuality.of(originals, decoded, tokens, 4);
        assertEquals(0.25, q.mse(), 1e-12, "one of four pixels off by the whole range");
        assertEquals(10 * Math.log10(4), q.psnr(), 1e-12);
        assertEquals(2, q.usedCodes());
        assertEquals(0.5, q.usage());
        assertEquals(2, q.perplexity(), 1e-12, "two codes used equally often");
    }

    @Test
    void independentPriorCountsAndSamplesWithItsSeed() {
        TokenBatch grids = new TokenBatch(2, 1, 2, new int[] {3, 1, 3, 2});
        IndependentPositionPrior prior = new IndependentPositionPrior(4, 1, 2).add(grids);
        assertEquals(2, prior.grids());
        assertArrayEquals(new long[] {0, 0, 0, 2}, prior.counts(0));
        TokenBatch drawn = prior.sample(50, 9);
        assertEquals(drawn, prior.sample(50, 9));
        for (int n = 0; n < drawn.count(); n++) {
            assertEquals(3, drawn.ids()[2 * n], "position 0 only ever saw code 3");
        }
    }

    @Test
    void frechetDistanceOfTheReferenceToItselfIsZero(@TempDir Path dir) throws Exception {
        Images images =
                ImageDataSet.at(ImageDataSetTest.grayFolder(dir, 20).toString())
                        .open()
                        .train();
        FrechetDistances distances = FrechetDistances.from(images, images.count(), 4, 5);
        ImageBatch all = images.read(0, images.count());
        assertEquals(0, distances.to(all), 1e-6);
        ImageBatch brighter = all.slice(all.count() / 2, all.count());
        assertTrue(distances.to(brighter) > 1, "half the set, the brighter images, lies apart");
    }
}
