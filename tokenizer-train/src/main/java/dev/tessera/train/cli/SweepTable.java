package dev.tessera.train.cli;

import dev.tessera.train.analysis.AnalysisResult;
import dev.tessera.train.report.SweepCharts;

import java.util.List;
import java.util.Locale;

/** The sweep as a Markdown table, one row per tokenizer, test-split metrics unless named train. */
final class SweepTable {

    private static final String HEADER =
            "| quantizer | K | β | train mse | test mse | gap | MI train | MI test | rate |"
                    + " marginal KL | collapsed | re-encode | usage | frechet_recon |"
                    + " frechet_prior |\n"
                    + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";

    private SweepTable() {}

    static String render(List<SweepCommand.Finished> finished) {
        StringBuilder s = new StringBuilder(HEADER);
        for (SweepCommand.Finished f : finished) {
            AnalysisResult r = f.result();
            s.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %d | %s | %.5f | %.5f | %+.5f | %.1f | %.1f | %.3f | %.3f | %d"
                                    + " | %.3f | %.3f | %.2f | %.2f |%n",
                            f.setting().quantizer(),
                            f.setting().codebookSize(),
                            SweepCharts.format(f.setting().beta()),
                            r.train().metric("mse"),
                            r.test().metric("mse"),
                            r.crossSplit().get("generalization_gap"),
                            r.train().metric("mutual_information_nats"),
                            r.test().metric("mutual_information_nats"),
                            r.test().metric("rate_nats"),
                            r.test().metric("marginal_kl_nats"),
                            (long) r.test().metric("collapsed_positions"),
                            r.test().metric("reencode_consistency"),
                            r.test().metric("usage"),
                            r.test().metric("frechet_recon"),
                            r.crossSplit().get("frechet_prior")));
        }
        return s.toString();
    }
}
