package dev.tessera.examples.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The Spark jar's entry point: its commands and the refusals that come before any Spark session
 * starts (a wrong command line with status 2, a missing tokenizer directory with status 1).
 */
class SparkCliTest {

    @TempDir Path temp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return new SparkCli(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(args);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsBothCommands() {
        assertEquals(0, run("--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.contains("  spark-tokenize "), help);
        assertTrue(help.contains("  bench-spark "), help);
        assertEquals(0, run("spark-tokenize", "--help"));
        assertTrue(
                out.toString(StandardCharsets.UTF_8).startsWith("usage: tessera spark-tokenize"));
    }

    @Test
    void wrongCommandLinesExitWith2() {
        String[] base = {"spark-tokenize", "--data", "d", "--model", "m", "--out", "o"};
        assertEquals(2, run("spark-tokenize", "--data", "d", "--model", "m"));
        assertTrue(err().startsWith("error: spark-tokenize: expected --out DIR"), err());
        assertEquals(2, run(concat(base, "--split", "other")));
        assertTrue(
                err().startsWith(
                                "error: spark-tokenize: --split must be train or test, got"
                                    + " 'other'"),
                err());
        assertEquals(2, run(concat(base, "--batch-size", "0")));
        assertTrue(
                err().startsWith(
                                "error: spark-tokenize: --batch-size expects an integer in"
                                        + " 1..2147483647, got \"0\""),
                err());
        assertEquals(2, run("bench-spark", "--model", "m"));
        assertTrue(err().startsWith("error: bench-spark: expected --data PATH"), err());
    }

    @Test
    void aMissingTokenizerDirectoryFailsBeforeSparkStarts() {
        Path missing = temp.resolve("no-such-tokenizer");
        assertEquals(
                1,
                run(
                        "spark-tokenize",
                        "--data",
                        "synthetic",
                        "--model",
                        missing.toString(),
                        "--out",
                        temp.resolve("out").toString()));
        assertTrue(err().startsWith("error: tokenizer directory " + missing), err());
        assertEquals(1, err().strip().lines().count(), err());
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
