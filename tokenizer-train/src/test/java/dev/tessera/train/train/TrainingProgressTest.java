package dev.tessera.train.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrainingProgressTest {

    @Test
    void rateAndEtaComeFromElapsedTime() {
        TrainingProgress p = new TrainingProgress(400, 1500, 0.0213, 0.0172, 0.97, 0.5, 20.0);
        assertEquals(20.0, p.stepsPerSecond(), 1e-12);
        // 1100 steps left at 20 steps/s.
        assertEquals(55.0, p.etaSeconds(), 1e-12);
    }

    @Test
    void formatShowsStepLossMseUsageTemperatureRateAndEta() {
        TrainingProgress p = new TrainingProgress(400, 1500, 0.0213, 0.0172, 0.97, 0.5, 20.0);
        String line = p.format();
        // Number formatting follows the default locale; only the decimal separator may differ.
        assertEquals(
                "step  400/1500  loss 0.0213  mse 0.0172  usage 0.97  tau 0.500  20.0 steps/s  ETA"
                        + " 55s",
                line.replace(',', '.'));
    }

    @Test
    void formatLeavesOutTheFieldsAQuantizerDoesNotHave() {
        // vq-ema: no temperature, no posterior variance.
        TrainingProgress vq = new TrainingProgress(400, 1500, 0.0213, 0.0172, 0.97, Double.NaN, 20.0);
        assertEquals(
                "step  400/1500  loss 0.0213  mse 0.0172  usage 0.97  20.0 steps/s  ETA 55s",
                vq.format());
        // GM-VQ with the posterior-mean estimator: σ_q², no temperature.
        TrainingProgress gm =
                new TrainingProgress(
                        400, 1500, 0.0213, 0.0172, 0.97, Double.NaN, 20.0, 0.0012345);
        assertEquals(
                "step  400/1500  loss 0.0213  mse 0.0172  usage 0.97  sigma_q^2 0.00123  20.0"
                        + " steps/s  ETA 55s",
                gm.format());
    }

    @Test
    void formatPadsTheStepToTheWidthOfTheTotal() {
        TrainingProgress p = new TrainingProgress(7, 100000, 1, 1, 1, 1, 1);
        assertTrue(p.format().startsWith("step      7/100000  "), p.format());
    }

    @Test
    void etaIsUnknownBeforeAnyTimeHasPassed() {
        TrainingProgress p = new TrainingProgress(0, 10, 0, 0, 0, 1, 0);
        assertEquals(0.0, p.stepsPerSecond());
        assertTrue(Double.isNaN(p.etaSeconds()));
        assertTrue(p.format().endsWith("ETA ?"), p.format());
    }

    @Test
    void formatDurationUsesSecondsBelowAMinuteAndMinutesWithPaddedSecondsAbove() {
        assertEquals("0s", TrainingProgress.formatDuration(0));
        assertEquals("59s", TrainingProgress.formatDuration(59.4));
        assertEquals("1m00s", TrainingProgress.formatDuration(59.5));
        assertEquals("2m05s", TrainingProgress.formatDuration(125));
        assertEquals("90m00s", TrainingProgress.formatDuration(5400));
        assertEquals("?", TrainingProgress.formatDuration(Double.NaN));
        assertEquals("?", TrainingProgress.formatDuration(Double.POSITIVE_INFINITY));
    }
}
