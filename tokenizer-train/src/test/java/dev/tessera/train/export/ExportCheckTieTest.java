package dev.tessera.train.export;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.runtime.LatentBatch;
import dev.tessera.format.FloatMatrix;

import org.junit.jupiter.api.Test;

/** Only codes equally near a latent, to float rounding, excuse a differing token. */
class ExportCheckTieTest {

    private static final LatentBatch ONE_POSITION =
            new LatentBatch(1, 1, 1, 2, new float[] {0.5f, 0.5f});

    @Test
    void codesAtTheSameDistanceAreATie() {
        // (1,0) and (0,1) are both at squared distance 0.5 from (0.5, 0.5).
        FloatMatrix codebook = new FloatMatrix(2, 2, new float[] {1, 0, 0, 1});
        assertTrue(ExportCheck.tie(ONE_POSITION, codebook, 0, 0, 1));
    }

    @Test
    void aCodeOneMillionthFartherIsStillATieButOneThousandthIsNot() {
        float near = 1f + 2e-6f;
        FloatMatrix almost = new FloatMatrix(2, 2, new float[] {1, 0, 0, near});
        assertTrue(ExportCheck.tie(ONE_POSITION, almost, 0, 0, 1));
        FloatMatrix farther = new FloatMatrix(2, 2, new float[] {1, 0, 0, 1.001f});
        assertFalse(ExportCheck.tie(ONE_POSITION, farther, 0, 0, 1));
    }
}
