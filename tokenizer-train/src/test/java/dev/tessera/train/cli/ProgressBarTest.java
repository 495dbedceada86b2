package dev.tessera.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.train.train.TrainingProgress;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

class ProgressBarTest {

    @Test
    void renderFillsTheBarInProportionAndShowsThePercentage() {
        // 610/1000: 30·0.61 = 18.3 → 18 filled of 30; 61 %; 10 steps/s, 390 left → ETA 39 s.
        TrainingProgress p = new TrainingProgress(610, 1000, 0.0213, 0.0172, 0.98, 0.5, 61);
        assertEquals(
                "["
                        + "#".repeat(18)
                        + ".".repeat(12)
                        + "]  61%  step  610/1000  loss 0.0213"
                        + "  mse 0.0172  usage 0.98  tau 0.500  10.0 steps/s  ETA 39s",
                ProgressBar.render(p));
    }

    @Test
    void renderAtTheStartAndTheEnd() {
        String start = ProgressBar.render(new TrainingProgress(0, 200, 1, 1, 0, 1, 0));
        assertTrue(start.startsWith("[" + ".".repeat(30) + "]   0%  step   0/200"), start);
        assertTrue(start.endsWith("ETA ?"), start);
        String end = ProgressBar.render(new TrainingProgress(200, 200, 1, 1, 1, 1, 100));
        assertTrue(end.startsWith("[" + "#".repeat(30) + "] 100%  step 200/200"), end);
        assertTrue(end.endsWith("ETA 0s"), end);
    }

    @Test
    void nonInteractiveOutputPrintsOneLinePerTenthOfTheRun() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar =
                new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        for (int step = 1; step <= 100; step++) {
            bar.progress(new TrainingProgress(step, 100, 0.1, 0.01, 0.5, 1, step));
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\\R");
        // Steps 1 (tenth 0), 10, 20, …, 100 (tenth 10).
        assertEquals(11, lines.length);
        assertTrue(lines[0].contains("step   1/100"), lines[0]);
        assertTrue(lines[1].contains("step  10/100"), lines[1]);
        assertTrue(lines[10].contains("] 100%"), lines[10]);
    }
}
