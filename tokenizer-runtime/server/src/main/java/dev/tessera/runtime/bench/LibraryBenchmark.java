package dev.tessera.runtime.bench;

import dev.tessera.cli.CommandLines;
import dev.tessera.cli.CommonOptions;
import dev.tessera.cli.IntRange;
import dev.tessera.runtime.measure.MarkdownTable;
import dev.tessera.runtime.measure.PlanOptions;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * In-process library benchmark (a runnable command, not a test): {@code Tokenizer.encode} and
 * {@code decode} of one tokenizer directory over a grid of batch sizes, intra-op threads, spinning
 * and instances ({@link LibrarySweep}), each warmed up and then measured in repeated windows.
 * Prints a Markdown table of images per second (mean ± std over the windows) and per-call latency
 * p50 and p99, and the best setting of each operation.
 *
 * <pre>
 * tessera bench-library --model DIR [--batches 1,16,64,256] [--threads 0|N,N,...|cores]
 *   [--instances 1] [--spin on|off|both] [--warmup-s 2] [--measure-s 3] [--repeats 5] [--seed 7]
 *   [--cuda]
 * </pre>
 */
@Command(
        name = "bench-library",
        sortOptions = false,
        synopsisHeading = "",
        customSynopsis = "usage: tessera bench-library --model DIR [options]%n",
        description = {
            "Encode and decode throughput of a tokenizer directory in process.",
            "",
            "Measures Tokenizer.encode and decode of one tokenizer directory in process over"
                    + " batch sizes, intra-op threads, spinning and instances (callers at once,"
                    + " each on its own session): images per second (mean ± std over the measured"
                    + " windows), latency p50 and p99, and images per CPU second of this process"
                    + " (which other load on the machine disturbs less), as a Markdown table, and"
                    + " the best setting of each operation. The inputs are seeded random images.",
            ""
        })
public final class LibraryBenchmark implements Callable<Integer> {

    private final PrintStream out;

    @Spec private CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", description = "tokenizer directory to measure")
    private Path model;

    @Mixin private SweepOptions sweep;

    @Mixin private PlanOptions plan = new PlanOptions(2, 3);

    @Option(
            names = "--repeats",
            paramLabel = "N",
            description = "measured windows per point (default ${DEFAULT-VALUE})")
    @IntRange(min = 1)
    private int repeats = 5;

    @Mixin private CommonOptions common;

    /**
     * @param out where the header and the table go
     */
    public LibraryBenchmark(PrintStream out) {
        this.out = out;
    }

    /** Opens the model once per engine setting, measures, prints. */
    @Override
    public Integer call() throws Exception {
        if (model == null) {
            throw CommandLines.usageError(spec, "expected --model DIR (a tokenizer directory)");
        }
        LibrarySweep.Plan p =
                sweep.plan(model, List.of("encode", "decode"), plan.plan(spec, repeats), spec);
        out.printf(
                Locale.ROOT,
                "library %s, %d cores, Java %s; warm-up %.1f s, then %d windows of %.1f s per"
                        + " point; synthetic images, seed %d%n%n",
                model,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                p.timing().warmupSeconds(),
                p.timing().repeats(),
                p.timing().measureSeconds(),
                p.seed());
        List<LibrarySweep.Point> points = LibrarySweep.run(p, point -> {});
        out.print(table(points).render());
        out.println();
        for (String op : p.ops()) {
            out.println(describeBest(points, op));
        }
        return 0;
    }

    static MarkdownTable table(List<LibrarySweep.Point> points) {
        MarkdownTable table =
                new MarkdownTable(
                        "operation",
                        "threads",
                        "instances",
                        "batch",
                        "images/s (mean ± std)",
                        "p50 ms",
                        "p99 ms",
                        "images per CPU s",
                        "calls");
        for (LibrarySweep.Point point : points) {
            LoadWindows.Result r = point.result();
            table.row(
                    point.op(),
                    point.engine().threadsLabel(),
                    String.valueOf(point.engine().instances()),
                    String.valueOf(point.batch()),
                    r.itemsPerSecond().format(),
                    LibrarySweep.millis(r.quantileMillis(0.50)),
                    LibrarySweep.millis(r.quantileMillis(0.99)),
                    String.format(Locale.ROOT, "%.0f", r.itemsPerSecond().mean() / r.cpuCores()),
                    String.valueOf(r.calls()));
        }
        return table;
    }

    static String describeBest(List<LibrarySweep.Point> points, String op) {
        LibrarySweep.Point best = LibrarySweep.best(points, op);
        return String.format(
                Locale.ROOT,
                "best %s: %.0f images/s at batch %d, threads %s, instances %d",
                op,
                best.imagesPerSecond(),
                best.batch(),
                best.engine().threadsLabel(),
                best.engine().instances());
    }
}
