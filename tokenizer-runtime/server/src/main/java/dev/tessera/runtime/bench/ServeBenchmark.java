package dev.tessera.runtime.bench;

import dev.tessera.api.v1.DecodeRequest;
import dev.tessera.api.v1.DecodeResponse;
import dev.tessera.api.v1.EncodeRequest;
import dev.tessera.api.v1.EncodeResponse;
import dev.tessera.api.v1.ListModelsRequest;
import dev.tessera.api.v1.ModelRef;
import dev.tessera.api.v1.ModelSummary;
import dev.tessera.api.v1.TokenizerServiceGrpc;
import dev.tessera.cli.CommandFailedException;
import dev.tessera.cli.CommandLines;
import dev.tessera.cli.CommonOptions;
import dev.tessera.cli.IntRange;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.WireTensors;
import dev.tessera.runtime.measure.MeasurementPlan;

import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;

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
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * The load generator (a runnable command, not a test): a closed-loop load of N concurrent callers
 * against a running server ({@code tessera serve}) from this process, for N = 1, 16, 64 and 256 by
 * default, each call carrying {@code --images-per-call} images (or grids). Per N it reports images
 * per second, p50 and p99 latency, the mean batch the server formed and the server's CPU use (from
 * its {@code --metrics} endpoint) and this process's own CPU use. With {@code --library-model} it
 * also measures the library on the same machine in this process ({@link LibrarySweep}) before the
 * load, and its best setting again after it, and gives each row's throughput as a share of the
 * library's best, and the one-caller latency target.
 *
 * <pre>
 * tessera bench-serve --target HOST:PORT [--model NAME] [--version V] [--direction encode|decode]
 *   [--callers 1,16,64,256] [--images-per-call 1] [--connections N] [--metrics URL]
 *   [--library-model DIR [--batches ...] [--threads ...] [--instances ...] [--spin ...]]
 *   [--max-delay-ms 2] [--warmup-s 2] [--measure-s 2] [--repeats 3]
 * </pre>
 */
@Command(
        name = "bench-serve",
        sortOptions = false,
        synopsisHeading = "",
        customSynopsis = "usage: tessera bench-serve --target HOST:PORT [options]%n",
        description = {
            "",
            "Load generator: N concurrent callers in this process, each sending its next call as"
                    + " soon as the last is answered, against a running tessera serve. Reports"
                    + " images per second, p50 and p99 latency, the mean batch and CPU use of the"
                    + " server (with --metrics) and this process's CPU use; with --library-model,"
                    + " the library's best throughput on this machine, measured here before and"
                    + " after the load, and the ratios.",
            ""
        })
public final class ServeBenchmark implements Callable<Integer> {

    private final PrintStream out;

    @Spec private CommandSpec spec;

    @Option(names = "--target", paramLabel = "HOST:PORT", description = "the server to load")
    private String target;

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
            paramLabel = "N,N,...",
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
            description =
                    "the server's metrics, e.g. http://127.0.0.1:9464/metrics (tessera serve"
                            + " --metrics-port), for the mean batch and the server's CPU use")
    private URI metrics;

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
        if (target == null) {
            throw CommandLines.usageError(spec, "expected --target HOST:PORT (a tessera server)");
        }
        if (!direction.equals("encode") && !direction.equals("decode")) {
            throw CommandLines.usageError(
                    spec, "--direction: expected encode or decode, got " + direction);
        }
        if (callers.isEmpty() || callers.stream().anyMatch(c -> c < 1)) {
            throw CommandLines.usageError(spec, "--callers: expected counts ≥ 1, got " + callers);
        }
        MeasurementPlan timing = plan.plan(spec, repeats);
        LibrarySweep.Plan library =
                libraryModel == null
                        ? null
                        : sweep.plan(libraryModel, List.of(direction), timing, spec);
        int links =
                connections != null
                        ? connections
                        : Math.min(8, callers.stream().max(Integer::compare).get());
        try (GrpcLoad load = new GrpcLoad(target, links)) {
            ModelSummary summary = resolve(load);
            header(summary, links);
            ServeReport report = new ServeReport(direction, maxDelayMs);
            if (library != null) {
                report.libraryBefore(LibrarySweep.run(library, p -> {}));
                out.print(LibraryBenchmark.table(report.libraryPoints()).render());
                out.println();
            }
            for (int n : callers) {
                report.row(measure(load, summary, n, timing));
            }
            if (library != null) {
                report.libraryAfter(remeasureBest(library, report));
            }
            report.print(out);
        }
        return 0;
    }

    private void header(ModelSummary m, int links) {
        out.printf(
                Locale.ROOT,
                "target %s, model %s:%s (%dx%dx%d, grid %dx%d, K=%d), %s, %d image%s per call, %d"
                        + " connections; this machine: %d cores, Java %s; warm-up %.1f s, then %d"
                        + " windows of %.1f s per point%n%n",
                target,
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
                plan.warmupSeconds,
                repeats,
                plan.measureSeconds);
    }

    /** The model to load: the named one, or the server's only one. */
    private ModelSummary resolve(GrpcLoad load) {
        List<ModelSummary> models;
        try {
            models =
                    TokenizerServiceGrpc.newBlockingStub(load.channel())
                            .listModels(ListModelsRequest.getDefaultInstance())
                            .getModelsList();
        } catch (StatusRuntimeException e) {
            throw new CommandFailedException(
                    "cannot list the models of " + target + " (" + e.getStatus() + ")", e);
        }
        List<ModelSummary> matching =
                models.stream()
                        .filter(m -> model.isEmpty() || m.getName().equals(model))
                        .filter(m -> version.isEmpty() || m.getVersion().equals(version))
                        .toList();
        if (matching.isEmpty() || (model.isEmpty() && matching.size() > 1)) {
            throw new CommandFailedException(
                    "--model: the server at "
                            + target
                            + " has "
                            + models.stream().map(m -> m.getName() + ":" + m.getVersion()).toList()
                            + "; name one with --model NAME [--version V]");
        }
        // Versions compare numerically part by part on the server; the last listed is enough here.
        return matching.get(matching.size() - 1);
    }

    private ServeReport.Row measure(GrpcLoad load, ModelSummary m, int n, MeasurementPlan timing)
            throws Exception {
        MetricsScrape[] scrapes = new MetricsScrape[2];
        LoadWindows.Marks marks =
                metrics == null
                        ? LoadWindows.Marks.NONE
                        : new LoadWindows.Marks() {
                            @Override
                            public void started() {
                                scrapes[0] = MetricsScrape.fetch(metrics);
                            }

                            @Override
                            public void ended() {
                                scrapes[1] = MetricsScrape.fetch(metrics);
                            }
                        };
        LoadWindows.Result r =
                direction.equals("encode")
                        ? load.run(
                                encodeMethod(), encodeRequests(m), n, imagesPerCall, timing, marks)
                        : load.run(
                                decodeMethod(), decodeRequests(m), n, imagesPerCall, timing, marks);
        return ServeReport.Row.of(r, scrapes[0], scrapes[1], m.getName(), direction);
    }

    private List<EncodeRequest> encodeRequests(ModelSummary m) {
        Random random = new Random(sweep.seed);
        List<EncodeRequest> requests = new ArrayList<>();
        int size = imagesPerCall * m.getChannels() * m.getImageHeight() * m.getImageWidth();
        for (int i = 0; i < 256; i++) {
            byte[] pixels = new byte[size];
            random.nextBytes(pixels);
            ImageBatch images =
                    new ImageBatch(
                            imagesPerCall,
                            m.getChannels(),
                            m.getImageHeight(),
                            m.getImageWidth(),
                            pixels);
            requests.add(
                    EncodeRequest.newBuilder()
                            .setModel(ref(m))
                            .setPixels(WireTensors.rawPixels(images))
                            .build());
        }
        return requests;
    }

    private List<DecodeRequest> decodeRequests(ModelSummary m) {
        Random random = new Random(sweep.seed);
        List<DecodeRequest> requests = new ArrayList<>();
        int size = imagesPerCall * m.getGridHeight() * m.getGridWidth();
        for (int i = 0; i < 256; i++) {
            int[] ids = random.ints(size, 0, m.getCodebookSize()).toArray();
            TokenBatch tokens =
                    new TokenBatch(imagesPerCall, m.getGridHeight(), m.getGridWidth(), ids);
            requests.add(
                    DecodeRequest.newBuilder()
                            .setModel(ref(m))
                            .setTokens(WireTensors.tokenGrid(tokens))
                            .build());
        }
        return requests;
    }

    private static MethodDescriptor<EncodeRequest, EncodeResponse> encodeMethod() {
        return TokenizerServiceGrpc.getEncodeMethod();
    }

    private static MethodDescriptor<DecodeRequest, DecodeResponse> decodeMethod() {
        return TokenizerServiceGrpc.getDecodeMethod();
    }

    private static ModelRef ref(ModelSummary m) {
        return ModelRef.newBuilder().setName(m.getName()).setVersion(m.getVersion()).build();
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
