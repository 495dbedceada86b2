package dev.tessera.train.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The learning-rate schedule: linear warm-up, then cosine decay to the floor at the last step. */
class OptimizerConfigTest {

    private static OptimizerConfig schedule(double peak, int warmup, double floor) {
        return new OptimizerConfig(peak, warmup, floor, 0.9, 0.99, 1e-8, 0, 0);
    }

    @Test
    void warmUpRisesLinearlyToThePeak() {
        OptimizerConfig s = schedule(1e-3, 4, 0.1);
        assertEquals(0.25e-3, s.learningRate(1, 20), 1e-15);
        assertEquals(0.5e-3, s.learningRate(2, 20), 1e-15);
        assertEquals(1e-3, s.learningRate(4, 20), 1e-15);
    }

    @Test
    void cosineDecaysFromThePeakToTheFloorAtTheLastStep() {
        OptimizerConfig s = schedule(1e-3, 4, 0.1);
        // Steps 5..20 decay: 5 is the peak, 20 the floor, 12.5 (midway) would be 0.55e-3.
        assertEquals(1e-3, s.learningRate(5, 20), 1e-15);
        assertEquals(0.1e-3, s.learningRate(20, 20), 1e-15);
        double midway = 0.1e-3 + 0.9e-3 * 0.5 * (1 + Math.cos(Math.PI * 7 / 15));
        assertEquals(midway, s.learningRate(12, 20), 1e-15);
        for (int step = 5; step < 20; step++) {
            assertTrue(s.learningRate(step + 1, 20) < s.learningRate(step, 20), "step " + step);
        }
    }

    @Test
    void theRateIsAFunctionOfTheStepAlone() {
        // What a resumed run needs: no state, the same value however it is reached.
        OptimizerConfig s = schedule(2e-3, 100, 0.1);
        double first = s.learningRate(537, 1000);
        for (int step = 1; step <= 1000; step++) {
            s.learningRate(step, 1000);
        }
        assertEquals(first, s.learningRate(537, 1000));
    }

    @Test
    void withoutWarmUpTheFirstStepIsThePeakAndAShortRunNeverPassesIt() {
        assertEquals(1e-3, schedule(1e-3, 0, 0).learningRate(1, 10), 1e-15);
        assertEquals(0, schedule(1e-3, 0, 0).learningRate(10, 10), 1e-15);
        // A run shorter than its warm-up stays on the ramp.
        assertEquals(0.05e-3, schedule(1e-3, 100, 0.1).learningRate(5, 12), 1e-15);
    }

    @Test
    void settingsOutOfRangeNameTheirFlag() {
        IllegalArgumentException floor =
                assertThrows(IllegalArgumentException.class, () -> schedule(1e-3, 10, 1.5));
        assertTrue(floor.getMessage().contains("--lr-floor"), floor.getMessage());
        IllegalArgumentException betas =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new OptimizerConfig(1e-3, 0, 0, 0.9, 1.0, 1e-8, 0, 0));
        assertTrue(betas.getMessage().contains("--adam-betas"), betas.getMessage());
        IllegalArgumentException clip =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new OptimizerConfig(1e-3, 0, 0, 0.9, 0.99, 1e-8, 0, -1));
        assertTrue(clip.getMessage().contains("--clip-grad-norm"), clip.getMessage());
    }
}
