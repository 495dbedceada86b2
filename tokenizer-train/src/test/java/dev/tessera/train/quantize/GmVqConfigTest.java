package dev.tessera.train.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GmVqConfigTest {

    private static GmVqConfig withTemperatures(double tau0, double tauMin) {
        return new GmVqConfig(16, 4, 0.5, 0.5, tau0, tauMin, 0.1, 1.0, GradientEstimator.GUMBEL);
    }

    @Test
    void temperatureAnnealsExponentiallyFromTau0ToTauMin() {
        GmVqConfig config = withTemperatures(2.0, 0.5);
        assertEquals(2.0, config.temperature(0), 1e-12);
        assertEquals(0.5, config.temperature(1), 1e-12);
        // Geometric mean halfway: sqrt(2 · 0.5) = 1.
        assertEquals(1.0, config.temperature(0.5), 1e-12);
        // A quarter of the way: 2 · (0.25)^0.25 = 2 / sqrt(2) = 1.41421...
        assertEquals(1.4142135623730951, config.temperature(0.25), 1e-12);
    }

    @Test
    void temperatureHalfwayOfDefaultsIsSqrtOfTau0TimesTauMin() {
        GmVqConfig config = GmVqConfig.defaults(512, 8);
        assertEquals(Math.sqrt(config.tau0() * config.tauMin()), config.temperature(0.5), 1e-12);
        assertEquals(0.31622776601683794, config.temperature(0.5), 1e-12);
    }

    @Test
    void temperatureClampsProgressOutsideTheUnitInterval() {
        GmVqConfig config = withTemperatures(1.0, 0.1);
        assertEquals(1.0, config.temperature(-0.5), 1e-12);
        assertEquals(0.1, config.temperature(3), 1e-12);
    }

    @Test
    void defaultsEstimateThePosteriorVarianceAndUseHalfNoiseVariance() {
        GmVqConfig config = GmVqConfig.defaults(512, 8);
        assertEquals(0.0, config.posteriorVariance());
        assertEquals(0.5, config.noiseVariance());
        assertEquals(GradientEstimator.ENCODER_STRAIGHT_THROUGH, config.estimator());
        assertEquals(PosteriorVarianceMode.FIXED, config.posteriorVarianceMode());
        assertEquals(1.0, config.posteriorVarianceEnd());
    }

    @Test
    void withEstimatorChangesOnlyTheEstimator() {
        GmVqConfig paper = GmVqConfig.defaults(512, 8).withEstimator(GradientEstimator.GUMBEL);
        assertEquals(GradientEstimator.GUMBEL, paper.estimator());
        assertEquals(
                GmVqConfig.defaults(512, 8),
                paper.withEstimator(GradientEstimator.ENCODER_STRAIGHT_THROUGH));
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new GmVqConfig(1, 4, 0.5, 0.5, 1, 0.1, 0.1, 1, GradientEstimator.GUMBEL));
        assertThrows(
                IllegalArgumentException.class,
                () -> new GmVqConfig(16, 0, 0.5, 0.5, 1, 0.1, 0.1, 1, GradientEstimator.GUMBEL));
        assertThrows(
                IllegalArgumentException.class,
                () -> new GmVqConfig(16, 4, -1, 0.5, 1, 0.1, 0.1, 1, GradientEstimator.GUMBEL));
        assertThrows(
                IllegalArgumentException.class,
                () -> new GmVqConfig(16, 4, 0.5, 0, 1, 0.1, 0.1, 1, GradientEstimator.GUMBEL));
        assertThrows(
                IllegalArgumentException.class,
                () -> new GmVqConfig(16, 4, 0.5, 0.5, 1, 0.1, -0.1, 1, GradientEstimator.GUMBEL));
        assertThrows(
                IllegalArgumentException.class,
                () -> new GmVqConfig(16, 4, Double.NaN, 0.5, 1, 0.1, 0.1, 1, GradientEstimator.GUMBEL));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> withTemperatures(0.1, 1.0));
        assertTrue(
                e.getMessage().contains("tau0=0.1") && e.getMessage().contains("tau-min=1.0"),
                e.getMessage());
    }
}
