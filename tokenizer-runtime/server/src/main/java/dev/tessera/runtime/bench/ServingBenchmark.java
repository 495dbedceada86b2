package dev.tessera.runtime.bench;

import dev.tessera.api.v1.EncodeRequest;
import dev.tessera.api.v1.ModelRef;
import dev.tessera.api.v1.TokenizerServiceGrpc;
import dev.tessera.api.v1.TokenizerServiceGrpc.TokenizerServiceBlockingStub;
import dev.tessera.cli.CommandLines;
import dev.tessera.cli.CommonOptions;
import dev.tessera.cli.IntRange;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.WireTensors;
import dev.tessera.runtime.measure.EngineOptions;
import dev.tessera.runtime.measure.MarkdownTable;
import dev.tessera.runtime.measure.MeasurementPlan;
import dev.tessera.runtime.measure.PlanOptions;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.onnx.TokenizerOptions;
import dev.tessera.runtime.server.ModelRegistry;
import dev.tessera.runtime.server.ServerConfig;
import dev.tessera.runtime.server.ServerMetrics;
import dev.tessera.runtime.server.TokenizerServer;
import dev.tessera.runtime.server.batching.BatchPolicy;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serving benchmark (a runnable command, not a test): N concurrent callers, each sending one image
 * per {@code Encode} call over TCP to a server with dynamic batching, for N = 1, 16, 64 by default.
 * Reports calls (= images) per second, p50 and p99 latency, the mean batch size the batcher formed,
 * and the in-process library throughput at that batch size, so the serving overhead can be read
 * off; one Markdown table row per number of callers.
 *
 * <pre>
 * tessera bench-serve-local --model DIR [--callers 1,16,64] [--warmup-s 3] [--measure-s 10]
 *   [--max-batch 256] [--max-delay-ms 2] [--threads N] [--cuda]
 * </pre>
 */
@Command(
        name = "bench-serve-local",
        sortOptions = false,
        synopsisHeading = "",
        customSynopsis = "usage: tessera bench-serve-local --model DIR [options]%n",
        description = {
            "",
            "Serves one tokenizer directory on a local port with dynamic batching and measures N"
                    + " concurrent callers sending one image per Encode call: images per second,"
                    + " p50 and p99 latency, the mean batch formed and the library's throughput at"
                    + " that batch, one Markdown table row per number of callers.",
            ""
        })
public final class ServingBenchmark implements Callable<Integer> {

    private record Options(
            Path model,
            List<Integer> callers,
            double warmupSeconds,
            double measureSeconds,
            int maxBatch,
            int maxDelayMs,
            TokenizerOptions tokenizer) {}

    private final PrintStream out;

    @Spec private CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", description = "tokenizer directory to serve")
    private Path model;

    @Option(
            names = "--callers",
            paramLabel = "N,N,...",
            split = ",",
            description = "numbers of concurrent callers (default 1,16,64)")
    private List<Integer> callers = List.of(1, 16, 64);

    @Mixin private PlanOptions plan = new PlanOptions(3, 10);

    @Option(
            names = "--max-batch",
            paramLabel = "N",
            description = "the server's --max-batch (default ${DEFAULT-VALUE})")
    @IntRange(min = 1, max = 1 << 16)
    private int maxBatch = 256;

    @Option(
            names = "--max-delay-ms",
            paramLabel = "N",
            description = "the server's --max-delay-ms (default ${DEFAULT-VALUE})")
    @IntRange(min = 0, max = 10_000)
    private int maxDelayMs = 2;

    @Mixin private EngineOptions engine;

    @Mixin private CommonOptions common;

    /**
     * @param out where the header and the table go
     */
    public ServingBenchmark(PrintStream out) {
        this.out = out;
    }

    /** Runs the benchmark and prints one table row per number of callers. */
    @Override
    public Integer call() throws Exception {
        if (model == null) {
            throw CommandLines.usageError(spec, "expected --model DIR (a tokenizer directory)");
        }
        if (callers.isEmpty() || callers.stream().anyMatch(c -> c < 1)) {
            throw CommandLines.usageError(spec, "--callers: expected counts ≥ 1, got " + callers);
        }
        Options o =
                new Options(
                        model,
                        callers,
                        plan.warmupSeconds(),
                        plan.measureSeconds(),
                        maxBatch,
                        maxDelayMs,
                        engine.options());
        try (ModelRegistry registry = new ModelRegistry()) {
            Tokenizer tokenizer = EngineOptions.open(o.model(), o.tokenizer());
            registry.register(tokenizer);
            ServerConfig config =
                    ServerConfig.defaults()
                            .withPort(0)
                            .withBatching(
                                    new BatchPolicy(
                                            o.maxBatch(),
                                            Duration.ofMillis(o.maxDelayMs()),
                                            Math.max(1024, o.maxBatch())));
            ServerMetrics metrics = new ServerMetrics(new PrometheusRegistry(), registry);
            try (TokenizerServer server = TokenizerServer.listen(registry, config, metrics)) {
                server.markServing();
                ManagedChannel channel =
                        NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                                .usePlaintext()
                                .build();
                try {
                    report(o, tokenizer, server, channel);
                } finally {
                    channel.shutdownNow();
                }
            }
        }
        return 0;
    }

    private void report(
            Options o, Tokenizer tokenizer, TokenizerServer server, ManagedChannel channel)
            throws Exception {
        out.printf(
                Locale.ROOT,
                "model %s:%s, input %dx%dx%d, %s, --max-batch %d, --max-delay-ms %d, %d cores%n",
                tokenizer.name(),
                tokenizer.version(),
                tokenizer.channels(),
                tokenizer.imageHeight(),
                tokenizer.imageWidth(),
                tokenizer.executionProvider(),
                o.maxBatch(),
                o.maxDelayMs(),
                Runtime.getRuntime().availableProcessors());
        MarkdownTable table =
                new MarkdownTable(
                        "callers",
                        "images/s",
                        "p50 ms",
                        "p99 ms",
                        "mean batch",
                        "library images/s at that batch",
                        "ratio");
        List<EncodeRequest> requests = requests(tokenizer, 256);
        TokenizerServiceBlockingStub stub = TokenizerServiceGrpc.newBlockingStub(channel);
        for (int callers : o.callers()) {
            double[] before = batchTotals(server);
            ClosedLoopLoad.Result r =
                    ClosedLoopLoad.run(
                            callers,
                            o.warmupSeconds(),
                            o.measureSeconds(),
                            (caller, i) ->
                                    stub.encode(
                                            requests.get(
                                                    (int)
                                                            ((caller * 7919L + i)
                                                                    % requests.size()))));
            double[] after = batchTotals(server);
            double meanBatch = (after[0] - before[0]) / Math.max(1, after[1] - before[1]);
            int batch = Math.max(1, (int) Math.round(meanBatch));
            double library = libraryImagesPerSecond(tokenizer, batch, o);
            table.row(
                    String.valueOf(callers),
                    String.format(Locale.ROOT, "%.0f", r.callsPerSecond()),
                    String.format(Locale.ROOT, "%.2f", r.quantileMillis(0.50)),
                    String.format(Locale.ROOT, "%.2f", r.quantileMillis(0.99)),
                    String.format(Locale.ROOT, "%.1f", meanBatch),
                    String.format(Locale.ROOT, "%.0f", library),
                    String.format(Locale.ROOT, "%.2f", r.callsPerSecond() / library));
        }
        out.println();
        out.print(table.render());
    }

    private static List<EncodeRequest> requests(Tokenizer t, int count) {
        Random random = new Random(7);
        ModelRef model = ModelRef.newBuilder().setName(t.name()).setVersion(t.version()).build();
        List<EncodeRequest> requests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] pixels = new byte[t.channels() * t.imageHeight() * t.imageWidth()];
            random.nextBytes(pixels);
            requests.add(
                    EncodeRequest.newBuilder()
                            .setModel(model)
                            .setPixels(
                                    WireTensors.rawPixels(
                                            new ImageBatch(
                                                    1,
                                                    t.channels(),
                                                    t.imageHeight(),
                                                    t.imageWidth(),
                                                    pixels)))
                            .build());
        }
        return requests;
    }

    /** Images and runs of the encode batcher so far: {sum, count} of tessera_batch_size. */
    private static double[] batchTotals(TokenizerServer server) {
        String text = server.metrics().scrape();
        return new double[] {
            sample(text, "tessera_batch_size_sum"), sample(text, "tessera_batch_size_count")
        };
    }

    private static double sample(String text, String name) {
        Matcher m =
                Pattern.compile("(?m)^" + name + "\\{[^}]*op=\"encode\"[^}]*\\} (\\S+)$")
                        .matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /**
     * In-process encode throughput at {@code batch}: one window of half the serving window, after
     * the same warm-up.
     */
    private static double libraryImagesPerSecond(Tokenizer t, int batch, Options o)
            throws Exception {
        byte[] pixels = new byte[batch * t.channels() * t.imageHeight() * t.imageWidth()];
        new Random(11).nextBytes(pixels);
        ImageBatch images =
                new ImageBatch(batch, t.channels(), t.imageHeight(), t.imageWidth(), pixels);
        return new MeasurementPlan(o.warmupSeconds(), o.measureSeconds() / 2, 1)
                .measure(batch, () -> t.encode(images))
                .imagesPerSecond()
                .mean();
    }
}
