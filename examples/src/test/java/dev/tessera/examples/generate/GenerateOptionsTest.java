package dev.tessera.examples.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.examples.CapturedCli;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

import java.nio.file.Path;

class GenerateOptionsTest {

    private static GenerateOptions parse(String... args) {
        GenerateCommand command = new GenerateCommand(System.out);
        new CommandLine(command).parseArgs(args);
        return command.options();
    }

    @Test
    void readsTheReadmeCommand() {
        GenerateOptions o =
                parse(
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
                        "1");
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
        CapturedCli cli = new CapturedCli();
        assertEquals(2, cli.run("generate", "--model", "m"));
        assertTrue(cli.err().startsWith("error: generate: expected --data PATH"), cli.err());
        assertEquals(2, cli.run("generate", "--model", "m", "--server", "h:1", "--data", "d"));
        assertTrue(cli.err().contains("not both"), cli.err());
        assertEquals(2, cli.run("generate", "--model", "m", "--data", "d", "--heads", "3"));
        assertTrue(
                cli.err()
                        .startsWith("error: generate: --width 128 must be a multiple of --heads 3"),
                cli.err());
        assertEquals(0, cli.run("generate", "--help"));
        assertTrue(cli.out().startsWith("usage: tessera generate"), cli.out());
    }
}
