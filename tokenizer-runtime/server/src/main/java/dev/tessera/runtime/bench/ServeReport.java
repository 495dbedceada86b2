package dev.tessera.runtime.bench;

import dev.tessera.runtime.measure.MarkdownTable;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code bench-serve} prints: one row per number of callers, the library's best throughput on
 * the same machine (measured before and after the load), each row's share of it, and the issue's
 * targets: at least 0.8× the library's best with 64 and 256 callers, and a one-caller p99 of at
 * most the batching delay plus twice the library's batch-1 p99.
 */
final class ServeReport {

    /** Share of the library's best throughput the server should reach with many callers. */
    static final double TARGET_SHARE = 0.8;

    /**
     * One number of callers.
     *
     * @param meanBatch images or grids per model run on the server meanwhile; NaN without metrics
     * @param serverCores CPU seconds per second of the server process; NaN if it does not export
     *     {@code process_cpu_seconds_total}
     */
    record Row(LoadWindows.Result load, double meanBatch, double serverCores) {

        static Row of(
                LoadWindows.Result load,
                MetricsScrape before,
                MetricsScrape after,
                String model,
                String op) {
            if (before == null || after == null) {
                return new Row(load, Double.NaN, Double.NaN);
            }
            Map<String, String> labels = Map.of("model", model, "op", op);
            double items = delta(before, after, "tessera_batch_size_sum", labels);
            double runs = delta(before, after, "tessera_batch_size_count", labels);
            double cpu = delta(before, after, "process_cpu_seconds_total", Map.of());
            return new Row(load, items / runs, cpu / load.seconds());
        }

        private static double delta(
                MetricsScrape before,
                MetricsScrape after,
                String name,
                Map<String, String> labels) {
            return after.sum(name, labels) - before.sum(name, labels);
        }
    }

    private final String op;
    private final int maxDelayMs;
    private final List<Row> rows = new ArrayList<>();
    private List<LibrarySweep.Point> library = List.of();
    private LibrarySweep.Point libraryAfter;

    ServeReport(String op, int maxDelayMs) {
        this.op = op;
        this.maxDelayMs = maxDelayMs;
    }

    void libraryBefore(List<LibrarySweep.Point> points) {
        library = List.copyOf(points);
    }

    List<LibrarySweep.Point> libraryPoints() {
        return library;
    }

    LibrarySweep.Point libraryBest() {
        return LibrarySweep.best(library, op);
    }

    void libraryAfter(LibrarySweep.Point point) {
        libraryAfter = point;
    }

    void row(Row row) {
        rows.add(row);
    }

    /** The library's best images per second: the mean of the measurements before and after. */
    double libraryBestRate() {
        double before = libraryBest().imagesPerSecond();
        return libraryAfter == null ? before : (before + libraryAfter.imagesPerSecond()) / 2;
    }

    void print(PrintStream out) {
        boolean withLibrary = !library.isEmpty();
        MarkdownTable table =
                new MarkdownTable(
                        "callers",
                        "images/s",
                        "p50 ms",
                        "p99 ms",
                        "mean batch",
                        "server CPU (cores)",
                        "generator CPU (cores)",
                        "× library best");
        for (Row row : rows) {
            LoadWindows.Result r = row.load();
            table.row(
                    String.valueOf(r.callers()),
                    r.itemsPerSecond().format(),
                    LibrarySweep.millis(r.quantileMillis(0.50)),
                    LibrarySweep.millis(r.quantileMillis(0.99)),
                    number("%.1f", row.meanBatch()),
                    number("%.2f", row.serverCores()),
                    number("%.2f", r.cpuCores()),
                    withLibrary ? number("%.2f", share(row)) : "-");
        }
        out.print(table.render());
        if (!withLibrary) {
            return;
        }
        out.println();
        for (String line : targets()) {
            out.println(line);
        }
    }

    private double share(Row row) {
        return row.load().itemsPerSecond().mean() / libraryBestRate();
    }

    private List<String> targets() {
        List<String> lines = new ArrayList<>();
        LibrarySweep.Point best = libraryBest();
        lines.add(
                String.format(
                        Locale.ROOT,
                        "library best %s: %.0f images/s before the load%s (batch %d, threads %s,"
                                + " instances %d); the ratios use %.0f",
                        op,
                        best.imagesPerSecond(),
                        libraryAfter == null
                                ? ""
                                : String.format(
                                        Locale.ROOT,
                                        ", %.0f after it",
                                        libraryAfter.imagesPerSecond()),
                        best.batch(),
                        best.engine().threadsLabel(),
                        best.engine().instances(),
                        libraryBestRate()));
        for (Row row : rows) {
            int n = row.load().callers();
            if (n == 64 || n == 256) {
                double share = share(row);
                lines.add(
                        String.format(
                                Locale.ROOT,
                                "target %d callers ≥ %.1f× the library's best: %.2f× (%s)",
                                n,
                                TARGET_SHARE,
                                share,
                                share >= TARGET_SHARE ? "met" : "missed"));
            }
        }
        LibrarySweep.Point single = LibrarySweep.fastestSingle(library, op);
        Row one = rows.stream().filter(r -> r.load().callers() == 1).findFirst().orElse(null);
        if (single != null && one != null) {
            double libP99 = single.result().quantileMillis(0.99);
            double bound = maxDelayMs + 2 * libP99;
            double p99 = one.load().quantileMillis(0.99);
            lines.add(
                    String.format(
                            Locale.ROOT,
                            "target 1 caller p99 ≤ --max-delay-ms %d + 2 × library batch-1 p99 %s"
                                    + " ms (threads %s) = %s ms: %s ms (%s)",
                            maxDelayMs,
                            LibrarySweep.millis(libP99),
                            single.engine().threadsLabel(),
                            LibrarySweep.millis(bound),
                            LibrarySweep.millis(p99),
                            p99 <= bound ? "met" : "missed"));
        }
        return lines;
    }

    private static String number(String format, double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, format, value);
    }
}
