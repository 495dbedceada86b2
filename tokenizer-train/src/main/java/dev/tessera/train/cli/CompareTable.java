package dev.tessera.train.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Mean ± sample standard deviation of each metric per quantizer, as a Markdown table. */
final class CompareTable {

    private final List<CompareCommand.Run> runs;
    private final double matmulFlops;

    CompareTable(List<CompareCommand.Run> runs, double matmulFlops) {
        this.runs = List.copyOf(runs);
        this.matmulFlops = matmulFlops;
    }

    /** Mean and std of one metric over a quantizer's seeds. */
    record Stat(double mean, double std, int n) {
        static Stat of(List<Double> values) {
            double mean =
                    values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double ss = 0;
            for (double v : values) {
                ss += (v - mean) * (v - mean);
            }
            double std = values.size() > 1 ? Math.sqrt(ss / (values.size() - 1)) : 0;
            return new Stat(mean, std, values.size());
        }
    }

    /** quantizer → metric → statistic, including the throughput as a fraction of matmul rate. */
    Map<String, Map<String, Stat>> summary() {
        Map<String, Map<String, Stat>> out = new LinkedHashMap<>();
        for (String q : quantizers()) {
            Map<String, Stat> stats = new LinkedHashMap<>();
            List<CompareCommand.Run> mine =
                    runs.stream().filter(r -> r.quantizer().equals(q)).toList();
            for (String metric : CompareCommand.METRICS) {
                stats.put(
                        metric, Stat.of(mine.stream().map(r -> r.metrics().get(metric)).toList()));
            }
            stats.put(
                    "matmul_fraction",
                    Stat.of(
                            mine.stream()
                                    .map(
                                            r ->
                                                    r.metrics().get("images_per_second")
                                                            * r.stepFlops()
                                                            / matmulFlops)
                                    .toList()));
            out.put(q, stats);
        }
        return out;
    }

    private List<String> quantizers() {
        List<String> names = new ArrayList<>();
        runs.forEach(
                r -> {
                    if (!names.contains(r.quantizer())) {
                        names.add(r.quantizer());
                    }
                });
        return names;
    }

    String render() {
        StringBuilder b = new StringBuilder();
        b.append(
                "| quantizer | mse | psnr (dB) | perplexity | usage | dead codes | train images/s |"
                        + " of matmul rate |\n");
        b.append("|---|---|---|---|---|---|---|---|\n");
        summary()
                .forEach(
                        (q, s) ->
                                b.append(
                                        String.format(
                                                Locale.ROOT,
                                                "| %s | %s | %s | %s | %s | %s | %s | %s |%n",
                                                q,
                                                fmt(s.get("mse"), "%.5f"),
                                                fmt(s.get("psnr"), "%.2f"),
                                                fmt(s.get("perplexity"), "%.1f"),
                                                fmt(s.get("usage"), "%.3f"),
                                                fmt(s.get("dead_codes"), "%.1f"),
                                                fmt(s.get("images_per_second"), "%.0f"),
                                                percent(s.get("matmul_fraction")))));
        return b.toString();
    }

    private static String fmt(Stat s, String pattern) {
        return String.format(Locale.ROOT, pattern + " ± " + pattern, s.mean(), s.std());
    }

    private static String percent(Stat s) {
        return String.format(Locale.ROOT, "%.1f%% ± %.1f%%", 100 * s.mean(), 100 * s.std());
    }
}
