package dev.tessera.runtime.bench;

import dev.tessera.runtime.measure.MarkdownTable;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code bench-serve} prints: per server, one row per number of callers (its rounds merged);
 * with several servers, each one's throughput against the first's, round by round; with the library
 * measured, its best throughput on the same machine (before and after the load), each row's share
 * of it, and the targets: at least 0.8× the library's best with 64 and 256 callers, and a
 * one-caller p99 of at most the batching delay plus twice the library's batch-1 p99.
 */
final class ServeReport {

    /** Share of the library's best throughput the server should reach with many callers. */
    static final double TARGET_SHARE = 0.8;

    /**
     * One measurement of one server with one number of callers.
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

        /** The rounds of one server and number of callers as one row. */
        static Row merge(List<Row> rounds) {
            return new Row(
                    LoadWindows.Result.merge(rounds.stream().map(Row::load).toList()),
                    rounds.stream().mapToDouble(Row::meanBatch).average().orElse(Double.NaN),
                    rounds.stream().mapToDouble(Row::serverCores).average().orElse(Double.NaN));
        }

        double rate() {
            return load.itemsPerSecond().mean();
        }
    }

    private final String op;
    private final int maxDelayMs;
    // server → callers → one row per round, in the order measured
    private final Map<String, Map<Integer, List<Row>>> rows = new LinkedHashMap<>();
    private List<LibrarySweep.Point> library = List.of();
    private LibrarySweep.Point libraryAfter;

    ServeReport(String op, int maxDelayMs, List<String> targets) {
        this.op = op;
        this.maxDelayMs = maxDelayMs;
        targets.forEach(t -> rows.put(t, new TreeMap<>()));
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

    void add(String target, Row row) {
        rows.get(target).computeIfAbsent(row.load().callers(), n -> new ArrayList<>()).add(row);
    }

    /** The library's best images per second: the mean of the measurements before and after. */
    double libraryBestRate() {
        double before = libraryBest().imagesPerSecond();
        return libraryAfter == null ? before : (before + libraryAfter.imagesPerSecond()) / 2;
    }

    void print(PrintStream out) {
        boolean several = rows.size() > 1;
        for (Map.Entry<String, Map<Integer, List<Row>>> server : rows.entrySet()) {
            if (several) {
                out.println("server " + server.getKey() + ":");
                out.println();
            }
            out.print(table(server.getValue()).render());
            out.println();
        }
        if (several) {
            out.print(comparison().render());
            out.println();
        }
        if (!library.isEmpty()) {
            out.println(libraryLine());
            rows.forEach(
                    (target, byCallers) ->
                            targets(several ? target + ": " : "", byCallers).forEach(out::println));
        }
    }

    private MarkdownTable table(Map<Integer, List<Row>> byCallers) {
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
        byCallers.forEach(
                (n, rounds) -> {
                    Row row = Row.merge(rounds);
                    LoadWindows.Result r = row.load();
                    table.row(
                            String.valueOf(n),
                            r.itemsPerSecond().format(),
                            LibrarySweep.millis(r.quantileMillis(0.50)),
                            LibrarySweep.millis(r.quantileMillis(0.99)),
                            number("%.1f", row.meanBatch()),
                            number("%.2f", row.serverCores()),
                            number("%.2f", r.cpuCores()),
                            library.isEmpty() ? "-" : number("%.2f", share(row)));
                });
        return table;
    }

    /** Each server's images per second against the first's, round by round: median [min..max]. */
    private MarkdownTable comparison() {
        List<String> targets = new ArrayList<>(rows.keySet());
        String first = targets.get(0);
        List<String> header = new ArrayList<>(List.of("callers"));
        targets.subList(1, targets.size()).forEach(t -> header.add(t + " ÷ " + first));
        MarkdownTable table = new MarkdownTable(header.toArray(String[]::new));
        for (int n : rows.get(first).keySet()) {
            List<String> cells = new ArrayList<>(List.of(String.valueOf(n)));
            for (String t : targets.subList(1, targets.size())) {
                List<Row> a = rows.get(t).getOrDefault(n, List.of());
                List<Row> b = rows.get(first).get(n);
                double[] ratios = new double[Math.min(a.size(), b.size())];
                for (int i = 0; i < ratios.length; i++) {
                    ratios[i] = a.get(i).rate() / b.get(i).rate();
                }
                cells.add(ratios.length == 0 ? "-" : spread(ratios));
            }
            table.row(cells.toArray(String[]::new));
        }
        return table;
    }

    private static String spread(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return n == 1
                ? String.format(Locale.ROOT, "%.2f", median)
                : String.format(Locale.ROOT, "%.2f [%.2f..%.2f]", median, sorted[0], sorted[n - 1]);
    }

    private double share(Row row) {
        return row.rate() / libraryBestRate();
    }

    private String libraryLine() {
        LibrarySweep.Point best = libraryBest();
        return String.format(
                Locale.ROOT,
                "library best %s: %.0f images/s before the load%s (batch %d, threads %s,"
                        + " instances %d); the ratios use %.0f",
                op,
                best.imagesPerSecond(),
                libraryAfter == null
                        ? ""
                        : String.format(
                                Locale.ROOT, ", %.0f after it", libraryAfter.imagesPerSecond()),
                best.batch(),
                best.engine().threadsLabel(),
                best.engine().instances(),
                libraryBestRate());
    }

    private List<String> targets(String prefix, Map<Integer, List<Row>> byCallers) {
        List<String> lines = new ArrayList<>();
        for (int n : List.of(64, 256)) {
            if (byCallers.containsKey(n)) {
                double share = share(Row.merge(byCallers.get(n)));
                lines.add(
                        String.format(
                                Locale.ROOT,
                                "%starget %d callers ≥ %.1f× the library's best: %.2f× (%s)",
                                prefix,
                                n,
                                TARGET_SHARE,
                                share,
                                share >= TARGET_SHARE ? "met" : "missed"));
            }
        }
        LibrarySweep.Point single = LibrarySweep.fastestSingle(library, op);
        if (single != null && byCallers.containsKey(1)) {
            double libP99 = single.result().quantileMillis(0.99);
            double bound = maxDelayMs + 2 * libP99;
            double p99 = Row.merge(byCallers.get(1)).load().quantileMillis(0.99);
            lines.add(
                    String.format(
                            Locale.ROOT,
                            "%starget 1 caller p99 ≤ --max-delay-ms %d + 2 × library batch-1 p99"
                                    + " %s ms (threads %s) = %s ms: %s ms (%s)",
                            prefix,
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
