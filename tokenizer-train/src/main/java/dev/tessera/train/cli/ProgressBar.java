package dev.tessera.train.cli;

import dev.tessera.train.train.EpochSummary;
import dev.tessera.train.train.TrainingListener;
import dev.tessera.train.train.TrainingProgress;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Shows training progress on a terminal: a bar redrawn in place with ETA, live loss and code usage,
 * and one summary line per epoch. When the output is not a terminal (a log file, CI), the bar is
 * printed as a plain line at every tenth of the run instead of being redrawn.
 */
final class ProgressBar implements TrainingListener {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean interactive;
    private int lastTenth = -1;
    private boolean barShown;

    ProgressBar(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    @Override
    public void progress(TrainingProgress p) {
        String line = render(p);
        if (interactive) {
            out.print("\r" + line);
            out.flush();
            barShown = true;
        } else {
            int tenth = (int) (10L * p.step() / p.steps());
            if (tenth != lastTenth) {
                lastTenth = tenth;
                out.println(line);
            }
        }
    }

    @Override
    public void epoch(EpochSummary summary) {
        endBar();
        out.println(summary.format());
    }

    @Override
    public void checkpoint(Path dir, int step) {
        endBar();
        out.println("checkpoint: step " + step + " saved in " + dir);
    }

    private void endBar() {
        if (barShown) {
            out.println();
            barShown = false;
        }
    }

    /**
     * e.g. {@code [#########.....] 61% step 610/1000 loss 0.0213 mse 0.0172 usage 0.98 ETA 41s}.
     */
    static String render(TrainingProgress p) {
        int filled = (int) ((long) WIDTH * p.step() / p.steps());
        String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
        return String.format(
                Locale.ROOT,
                "[%s] %3d%%  %s",
                bar,
                (int) (100L * p.step() / p.steps()),
                p.format());
    }
}
