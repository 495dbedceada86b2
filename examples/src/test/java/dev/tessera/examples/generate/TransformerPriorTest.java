package dev.tessera.examples.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import dev.tessera.runtime.TokenBatch;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The transformer prior on four random 4×4 grids of 16 codes, one per class: it learns them by
 * heart in a few dozen steps, greedy decoding then gives them back, the attention is causal, the
 * cached sampling path agrees with the full forward pass, and draws are seeded.
 */
class TransformerPriorTest {

    private static final int K = 16;
    private static final GridShape SHAPE = new GridShape(K, 4, 4, 4);
    private static final PriorConfig CONFIG = new PriorConfig(2, 2, 32, 60, 4, 1e-2, 0, 1);

    private static TokenGrids grids;
    private static TransformerPrior prior;
    private static PriorTrainer.Run run;
    private static final List<String> log = new ArrayList<>();

    @BeforeAll
    static void trainOnFourGrids() {
        SplittableRandom random = new SplittableRandom(5);
        int[] ids = new int[4 * SHAPE.positions()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(K);
        }
        grids = new TokenGrids(new TokenBatch(4, 4, 4, ids), new int[] {0, 1, 2, 3});
        prior = TransformerPrior.create(SHAPE, CONFIG, Device.cpu());
        run = new PriorTrainer(log::add).train(prior, grids);
    }

    @AfterAll
    static void close() {
        prior.close();
    }

    @Test
    void lossStartsNearLogKAndFallsToNearZeroOnGridsItCanMemorize() {
        // Uniform predictions over 16 codes cost ln 16 = 2.77 nats per token.
        assertEquals(Math.log(K), run.firstLoss(), 0.3, "first window: " + log);
        assertTrue(run.lastLoss() < 0.05, "last window " + run.lastLoss() + ": " + log);
        assertEquals(CONFIG.steps(), run.steps());
        assertTrue(log.get(log.size() - 1).startsWith("step 60/60  loss "), log.toString());
        assertTrue(PriorEvaluation.nllPerToken(prior, grids, true) < 0.05);
    }

    @Test
    void greedyDecodingOfEachClassGivesBackItsGrid() {
        GridSampler greedy = new GridSampler(prior, new SamplingSettings(1.0, 1, 3));
        TokenBatch sampled = greedy.sample(new int[] {2, 0, 3, 1});
        assertArrayEquals(grids.tokens().grid(2).ids(), sampled.grid(0).ids());
        assertArrayEquals(grids.tokens().grid(0).ids(), sampled.grid(1).ids());
        assertArrayEquals(grids.tokens().grid(3).ids(), sampled.grid(2).ids());
        assertArrayEquals(grids.tokens().grid(1).ids(), sampled.grid(3).ids());
        TokenBatch again =
                new GridSampler(prior, new SamplingSettings(1.0, 1, 99))
                        .sample(new int[] {2, 0, 3, 1});
        assertEquals(sampled, again, "top-k 1 is greedy: the seed does not matter");
    }

    @Test
    void samplesHaveTheGridShapeIdsInRangeAndFollowTheSeed() {
        int[] labels = {-1, -1, 0, 1, 2, 3, -1};
        SamplingSettings hot = new SamplingSettings(2.0, 0, 11);
        TokenBatch a = new GridSampler(prior, hot).sample(labels);
        TokenBatch b = new GridSampler(prior, hot).sample(labels);
        TokenBatch c = new GridSampler(prior, new SamplingSettings(2.0, 0, 12)).sample(labels);
        assertEquals(7, a.count());
        assertEquals(4, a.height());
        assertEquals(4, a.width());
        for (int id : a.ids()) {
            assertTrue(id >= 0 && id < K, "id " + id);
        }
        assertEquals(a, b, "same seed, same grids");
        assertNotEquals(a, c, "another seed, other grids");
    }

    @Test
    void attentionIsCausal() {
        int[] first = grids.tokens().grid(0).ids();
        int[] changed = first.clone();
        int j = 7;
        changed[j] = (changed[j] + 5) % K;
        int[] both = new int[2 * SHAPE.positions()];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(changed, 0, both, first.length, changed.length);
        SequenceBatch batch = new SequenceBatch(new int[] {0, 0}, both, 2, SHAPE.positions());
        try (NDManager session = prior.session()) {
            float[] logits = batch.logits(prior, session).toFloatArray();
            int perRow = SHAPE.positions() * K;
            // Input position i holds the start token (i = 0) or code i − 1; code j sits at j + 1.
            for (int i = 0; i < SHAPE.positions(); i++) {
                double difference = 0;
                for (int c = 0; c < K; c++) {
                    difference += Math.abs(logits[i * K + c] - logits[perRow + i * K + c]);
                }
                if (i <= j) {
                    assertEquals(0, difference, 1e-5, "position " + i + " sees only earlier codes");
                } else if (i == j + 1) {
                    assertTrue(difference > 1e-2, "position " + i + " sees code " + j);
                }
            }
        }
    }

    @Test
    void cachedStepByStepLogitsEqualTheFullForwardPass() {
        int[] codes = grids.tokens().grid(1).ids();
        SequenceBatch batch = new SequenceBatch(new int[] {1}, codes, 1, SHAPE.positions());
        try (NDManager session = prior.session()) {
            float[] full = batch.logits(prior, session).toFloatArray();
            KvCache cache = new KvCache(session, CONFIG.layers(), SHAPE.positions());
            for (int p = 0; p < SHAPE.positions(); p++) {
                NDArray start = p == 0 ? session.create(new int[] {1}) : null;
                NDArray token =
                        p == 0 ? null : session.create(new int[] {codes[p - 1]}).reshape(1, 1);
                float[] step = prior.logits(start, token, cache).toFloatArray();
                for (int c = 0; c < K; c++) {
                    assertEquals(full[p * K + c], step[c], 1e-4, "position " + p + " code " + c);
                }
            }
        }
    }

    @Test
    void topKDrawsOnlyAmongTheKMostLikelyInProportionToTheirProbability() {
        GridSampler sampler = new GridSampler(prior, new SamplingSettings(1.0, 2, 0));
        float[] logits = {1, 3, 2, 0};
        SplittableRandom random = new SplittableRandom(42);
        int[] counts = new int[4];
        int draws = 20_000;
        for (int i = 0; i < draws; i++) {
            counts[sampler.choose(logits, 0, 4, random)]++;
        }
        assertEquals(0, counts[0] + counts[3], "codes outside the top 2 are never drawn");
        // e^3 / (e^3 + e^2) = 0.7311
        assertEquals(0.7311, counts[1] / (double) draws, 0.01);
    }

    @Test
    void causalMaskHidesLaterKeysFromEachQuery() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            // Two queries at positions 1 and 2 over keys 0..2.
            float[] mask = TransformerPrior.causalMask(manager, 2, 3).toFloatArray();
            assertArrayEquals(new float[] {0, 0, -1e9f, 0, 0, 0}, mask);
        }
    }

    @Test
    void aSavedPriorGivesTheSameSamples(@TempDir Path dir) throws Exception {
        PriorFiles.save(prior, dir);
        SamplingSettings settings = new SamplingSettings(1.0, 0, 5);
        int[] labels = {0, 1, 2, 3, -1};
        try (TransformerPrior loaded = PriorFiles.load(dir, Device.cpu())) {
            assertEquals(prior.shape(), loaded.shape());
            assertEquals(prior.config(), loaded.config());
            assertEquals(
                    new GridSampler(prior, settings).sample(labels),
                    new GridSampler(loaded, settings).sample(labels));
        }
    }
}
