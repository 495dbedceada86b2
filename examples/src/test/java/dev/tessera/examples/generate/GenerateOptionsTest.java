package dev.tessera.examples.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

class GenerateOptionsTest {

    @Test
    void readsTheReadmeCommand() {
        GenerateOptions o =
                GenerateOptions.parse(
                        new String[] {
                            "--model",
                            "mnist-tok",
                            "--data",
                            "../shared/data/mnist",
                            "--class-conditional",
                            "--steps",
                            "900",
                            "--top-k",
                            "40",
                            "--temperature",
                            "0.9",
                            "--seed",
                            "3",
                            "--threads",
                            "1"
                        });
        assertEquals(Path.of("mnist-tok"), o.model());
        assertNull(o.server());
        assertTrue(o.classConditional());
        assertEquals(new PriorConfig(4, 4, 128, 900, 64, 1e-3, 0.1, 3), o.prior());
        assertEquals(new SamplingSettings(0.9, 40, 3), o.sampling());
        assertEquals(10_000, o.samples());
        assertEquals(1, o.threads());
        assertEquals(Path.of("tessera-generate"), o.out());
    }

    @Test
    void refusesMissingDataBothTokenizersAndAWidthThatTheHeadsDoNotDivide() {
        assertThrows(
                IllegalArgumentException.class,
                () -> GenerateOptions.parse(new String[] {"--model", "m"}));
        IllegalArgumentException both =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                GenerateOptions.parse(
                                        new String[] {
                                            "--model", "m", "--server", "h:1", "--data", "d"
                                        }));
        assertTrue(both.getMessage().contains("not both"), both.getMessage());
        IllegalArgumentException heads =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                GenerateOptions.parse(
                                        new String[] {
                                            "--model", "m", "--data", "d", "--heads", "3"
                                        }));
        assertEquals("--width 128 must be a multiple of --heads 3", heads.getMessage());
        assertNull(GenerateOptions.parse(new String[] {"--help"}));
    }
}
