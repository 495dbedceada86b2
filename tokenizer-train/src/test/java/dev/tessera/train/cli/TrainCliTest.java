package dev.tessera.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The trainer jar's entry point: its commands, help, and the one-sentence refusals of a wrong
 * command line (exit status 2), all before any training starts.
 */
class TrainCliTest {

    private final CapturedCli cli = new CapturedCli();

    @Test
    void helpListsEveryCommandAndEachCommandHasItsOwn() {
        assertEquals(0, cli.run("--help"));
        for (String command :
                new String[] {
                    "train",
                    "eval",
                    "compare",
                    "analyze",
                    "sweep",
                    "gpu-setup",
                    "bench-train-speed",
                    "bench-onnx-vs-djl",
                    "bench-quantizer-step"
                }) {
            assertTrue(cli.out().contains("  " + command + " "), command + ":\n" + cli.out());
        }
        assertEquals(0, cli.run("train", "--help"));
        assertTrue(cli.out().startsWith("usage: tessera train --data PATH --out DIR"), cli.out());
        assertTrue(cli.out().contains("--posterior-variance V"), cli.out());
        assertTrue(cli.out().contains("--resume DIR"), cli.out());
        assertEquals(0, cli.run("sweep", "--help"));
        assertTrue(cli.out().contains("--beta LIST"), cli.out());
    }

    @Test
    void withoutACommandTheUsageIsAnError() {
        assertEquals(2, cli.run());
        assertTrue(cli.err().startsWith("usage: tessera train"), cli.err());
    }

    @Test
    void anUnknownCommandNamesTheKnownOnes() {
        assertEquals(2, cli.run("serve"));
        assertTrue(
                cli.err()
                        .startsWith(
                                "error: unknown command \"serve\"; the trainer has: train, eval,"
                                        + " compare, analyze, sweep, gpu-setup"),
                cli.err());
    }

    @Test
    void wrongCommandLinesAreOneSentenceAndTheHelpHint() {
        assertRefused("error: train: unknown option \"--stpes\"", "train", "--stpes", "10");
        assertRefused("error: train: unknown option \"--colour\"", "train", "--colour=red");
        assertRefused("error: train: --out expects a value", "train", "--verbose", "--out");
        assertRefused("error: train: --verbose takes no value", "train", "--verbose=yes");
        assertRefused(
                "error: train: --steps: cannot read \"ten\"",
                "train",
                "--out",
                "t",
                "--steps",
                "ten");
        assertRefused(
                "error: train: --lr: cannot read \"fast\"", "train", "--out", "t", "--lr", "fast");
        assertRefused(
                "error: train: --steps is given twice", "train", "--steps", "1", "--steps", "2");
        assertRefused(
                "error: train: --out DIR is required: where to write the tokenizer directory",
                "train",
                "--steps",
                "10");
        assertRefused(
                "error: compare: --out DIR is required: where the runs are written", "compare");
        assertRefused(
                "error: compare: --seeds: cannot read \"x\"",
                "compare",
                "--out",
                "o",
                "--seeds",
                "1,x");
        assertRefused(
                "error: sweep: --out DIR and --beta LIST are required", "sweep", "--out", "o");
        assertRefused(
                "error: sweep: --beta must be comma-separated numbers, got '0.1,x'",
                "sweep",
                "--out",
                "o",
                "--beta",
                "0.1,x");
        assertRefused("error: eval: --model DIR and --data PATH are required", "eval");
        assertRefused(
                "error: bench-onnx-vs-djl: --batches: expected batch sizes ≥ 1, got [0, 2]",
                "bench-onnx-vs-djl",
                "--batches",
                "0,2");
        assertRefused(
                "error: bench-train-speed: --steps expects an integer in 1..2147483647, got \"0\"",
                "bench-train-speed",
                "--steps",
                "0");
    }

    @Test
    void resumeRefusesTheConfigFileBeforeReadingTheCheckpoint() {
        assertRefused(
                "error: train: --resume takes every setting from the checkpoint; drop --config",
                "train",
                "--resume",
                "no-such-checkpoint",
                "--config",
                "run.json");
    }

    private void assertRefused(String start, String... args) {
        assertEquals(2, cli.run(args), cli.err());
        assertTrue(cli.err().startsWith(start), cli.err());
        String hint = "run 'tessera " + args[0] + " --help' for usage";
        assertTrue(cli.err().strip().endsWith(hint), cli.err());
        assertEquals(2, cli.err().strip().lines().count(), cli.err());
    }
}
