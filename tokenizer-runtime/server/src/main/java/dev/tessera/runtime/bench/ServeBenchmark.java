package dev.tessera.runtime.bench;

import dev.tessera.api.v1.ModelSummary;
import dev.tessera.cli.CommandLines;
import dev.tessera.cli.CommonOptions;
import dev.tessera.cli.IntRange;
import dev.tessera.runtime.measure.MeasurementPlan;
import dev.tessera.runtime.measure.PlanOptions;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The load generator (a runnable command, not a test): a closed-loop load of N concurrent callers
 * against running servers ({@code tessera serve}) from this process, for N = 1, 16, 64 and 256 by
 * default, each call carrying {@code --images-per-call} images (or grids). Per server and N it
 * reports images per second, p50 and p99 latency, the mean batch the server formed and the server's
 * CPU use (from its {@code --metrics} endpoint) and this process's own CPU use. Several servers
 * (say two engine settings on one machine) are loaded in turn, {@code --rounds} times, and compared
 * with the first round by round. With {@code --library-model} it also measures the library on the
 * same machine in this process ({@link LibrarySweep}) before the load, and its best setting again
 * after it, and gives each row's throughput as a share of the library's best, and the one-caller
 * latency target.
 *
 * <pre>
 * tessera bench-serve --target HOST:PORT[,HOST:PORT...] [--metrics URL[,URL...]] [--model NAME]
 *   [--version V] [--direction encode|decode] [--callers 1,16,64,256] [--images-per-call 1]
 *   [--connections N] [--rounds 1] [--max-delay-ms 2] [--warmup-s 2] [--measure-s 2]
 *   [--repeats 3] [--library-model DIR [--batches ...] [--threads ...] [--instances ...]
 *   [--spin ...]]
 * </pre>
 */
@Command(
        name = "bench-serve",
        sortOptions = false,
        synopsisHeading = "",
        customSynopsis = "usage: tessera bench-serve --target HOST:PORT[,HOST:PORT...] [options]%n",
        description = {
            "Load generator: N concurrent callers against a running tessera serve.",
            "",
            "Load generator: N concurrent callers in this process, each sending its next call as"
                    + " soon as the last is answered, against a running tessera serve (or several,"
                    + " in turn, compared with the first). Reports images per second, p50 and p99"
                    + " latency, the mean batch and CPU use of the server (with --metrics) and"
                    + " this process's CPU use; with --library-model, the library's best"
                    + " throughput on this machine, measured here before and after the load, and"
                    + " the ratios.",
            ""
        })
public final class ServeBenchmark implements Callable<Integer> {

    private final PrintStream out;

    @Spec private CommandSpec spec;

    @Option(
            names = "--target",
            paramLabel = "HOST:PORT",
            split = ",",
            description =
                    "the server to load; several servers (e.g. two settings of one machine) are"
                            + " loaded in turn and compared with the first")
    private List<String> targets = new ArrayList<>();

    @Option(
            names = "--model",
            paramLabel = "NAME",
            description = "model name (default: the server's only model)")
    private String model = "";

    @Option(
            names = "--version",
            paramLabel = "V",
            description = "model version (default: the highest)")
    private String version = "";

    @Option(
            names = "--direction",
            paramLabel = "encode|decode",
            description = "Encode calls (images) or Decode calls (grids) (default encode)")
    private String direction = "encode";

    @Option(
            names = "--callers",
            paramLabel = "N",
            split = ",",
            description = "numbers of concurrent callers (default 1,16,64,256)")
    private List<Integer> callers = List.of(1, 16, 64, 256);

    @Option(
            names = "--images-per-call",
            paramLabel = "N",
            description = "images or grids per call (default ${DEFAULT-VALUE})")
    @IntRange(min = 1, max = 1 << 16)
    private int imagesPerCall = 1;

    @Option(
            names = "--connections",
            paramLabel = "N",
            description = "HTTP/2 connections the callers share (default: callers, at most 8)")
    @IntRange(min = 1, max = 1024)
    private Integer connections;

    @Option(
            names = "--metrics",
            paramLabel = "URL",
            split = ",",
            description =
                    "each --target's metrics, e.g. http://127.0.0.1:9464/metrics (tessera serve"
                            + " --metrics-port), for the mean batch and the server's CPU use")
    private List<URI> metrics = new ArrayList<>();

    @Option(
            names = "--library-model",
            paramLabel = "DIR",
            description =
                    "the served tokenizer directory: measure the library on this machine too and"
                            + " give the ratios")
    private Path libraryModel;

    @Option(
            names = "--max-delay-ms",
            paramLabel = "N",
            description =
                    "the server's --max-delay-ms, for the one-caller target (default"
                            + " ${DEFAULT-VALUE})")
    @IntRange(min = 0, max = 10_000)
    private int maxDelayMs = 2;

    @Mixin private PlanOptions plan = new PlanOptions(2, 2);

    @Option(
            names = "--repeats",
            paramLabel = "N",
            description = "measured windows per point (default ${DEFAULT-VALUE})")
    @IntRange(min = 1)
    private int repeats = 3;

    @Option(
            names = "--rounds",
            paramLabel = "N",
            description =
                    "times each point is measured, the servers in turn within each round"
                            + " (default ${DEFAULT-VALUE})")
    @IntRange(min = 1, max = 1000)
    private int rounds = 1;

    @Mixin private SweepOptions sweep;

    @Mixin private CommonOptions common;

    /**
     * @param out where the header and the tables go
     */
    public ServeBenchmark(PrintStream out) {
        this.out = out;
    }

    /** Measures the library (if asked), loads the server, prints the tables and the targets. */
    @Override
    public Integer call() throws Exception {
        check();
        MeasurementPlan timing = plan.plan(spec, repeats);
        LibrarySweep.Plan library =
                libraryModel == null
                        ? null
                        : sweep.plan(libraryModel, List.of(direction), timing, spec);
        int links =
                connections != null
                        ? connections
                        : Math.min(8, callers.stream().max(Integer::compare).get());
        List<LoadTarget> servers = new ArrayList<>();
        try {
            for (int i = 0; i < targets.size(); i++) {
                servers.add(
                        new LoadTarget(
                                targets.get(i),
                                metrics.isEmpty() ? null : metrics.get(i),
                                links,
                                model,
                                version,
                                direction,
                                imagesPerCall,
                                sweep.seed));
            }
            header(servers.get(0).model(), links);
            ServeReport report = new ServeReport(direction, maxDelayMs, targets);
            if (library != null) {
                report.libraryBefore(LibrarySweep.run(library, p -> {}));
                out.print(LibraryBenchmark.table(report.libraryPoints()).render());
                out.println();
            }
            for (int round = 0; round < rounds; round++) {
                for (int n : callers) {
                    // Each round starts with another server, so that no server always goes first.
                    for (int i = 0; i < servers.size(); i++) {
                        LoadTarget server = servers.get((round + i) % servers.size());
                        report.add(server.address(), server.measure(n, timing));
                    }
                }
            }
            if (library != null) {
                report.libraryAfter(remeasureBest(library, report));
            }
            report.print(out);
        } finally {
            servers.forEach(LoadTarget::close);
        }
        return 0;
    }

    private void check() {
        if (targets.isEmpty()) {
            throw CommandLines.usageError(spec, "expected --target HOST:PORT (a tessera server)");
        }
        if (!metrics.isEmpty() && metrics.size() != targets.size()) {
            throw CommandLines.usageError(
                    spec,
                    "--metrics: expected one URL for each of the "
                            + targets.size()
                            + " --target servers, got "
                            + metrics.size());
        }
        if (!direction.equals("encode") && !direction.equals("decode")) {
            throw CommandLines.usageError(
                    spec, "--direction: expected encode or decode, got " + direction);
        }
        if (callers.isEmpty() || callers.stream().anyMatch(c -> c < 1)) {
            throw CommandLines.usageError(spec, "--callers: expected counts ≥ 1, got " + callers);
        }
    }

    private void header(ModelSummary m, int links) {
        out.printf(
                Locale.ROOT,
                "target %s, model %s:%s (%dx%dx%d, grid %dx%d, K=%d), %s, %d image%s per call, %d"
                        + " connections; this machine: %d cores, Java %s; warm-up %.1f s, then %d"
                        + " windows of %.1f s per point%s%n%n",
                String.join(" and ", targets),
                m.getName(),
                m.getVersion(),
                m.getChannels(),
                m.getImageHeight(),
                m.getImageWidth(),
                m.getGridHeight(),
                m.getGridWidth(),
                m.getCodebookSize(),
                direction,
                imagesPerCall,
                imagesPerCall == 1 ? "" : "s",
                links,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                plan.warmupSeconds(),
                repeats,
                plan.measureSeconds(),
                rounds == 1
                        ? ""
                        : ", "
                                + rounds
                                + " rounds"
                                + (targets.size() > 1 ? ", the servers in turn" : ""));
    }

    /** The library's best setting of the sweep, measured once more after the load. */
    private LibrarySweep.Point remeasureBest(LibrarySweep.Plan library, ServeReport report)
            throws Exception {
        LibrarySweep.Point best = report.libraryBest();
        LibrarySweep.Plan again =
                new LibrarySweep.Plan(
                        library.model(),
                        library.cuda(),
                        List.of(best.op()),
                        List.of(best.engine()),
                        List.of(best.batch()),
                        library.timing(),
                        library.seed());
        return LibrarySweep.run(again, p -> {}).get(0);
    }
}
