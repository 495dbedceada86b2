package dev.tessera.runtime.bench;

import dev.tessera.api.v1.EncodeRequest;
import dev.tessera.api.v1.ModelRef;
import dev.tessera.api.v1.TokenizerServiceGrpc;
import dev.tessera.api.v1.TokenizerServiceGrpc.TokenizerServiceBlockingStub;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.WireTensors;
import dev.tessera.runtime.measure.MarkdownTable;
import dev.tessera.runtime.measure.MeasurementPlan;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.onnx.TokenizerOptions;
import dev.tessera.runtime.server.ModelRegistry;
import dev.tessera.runtime.server.ServerConfig;
import dev.tessera.runtime.server.ServerMetrics;
import dev.tessera.runtime.server.TokenizerServer;
import dev.tessera.runtime.server.batching.BatchPolicy;
import dev.tessera.runtime.server.metrics.MetricsRegistry;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
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
 * java -cp "tokenizer-runtime/target/tokenizer-runtime-*.jar:tokenizer-runtime/target/lib/*" \
 *   dev.tessera.runtime.bench.ServingBenchmark --model DIR [--callers 1,16,64] [--warmup-s 3]
 *   [--measure-s 10] [--max-batch 256] [--max-delay-ms 2] [--threads N] [--cuda]
 * </pre>
 */
public final class ServingBenchmark {

    private static final Pattern OPTION = Pattern.compile("--([a-z-]+)");

    private record Options(
            Path model,
            List<Integer> callers,
            double warmupSeconds,
            double measureSeconds,
            int maxBatch,
            int maxDelayMs,
            TokenizerOptions tokenizer) {}

    private ServingBenchmark() {}

    /** Runs the benchmark and prints one table row per number of callers. */
    public static void main(String[] args) throws Exception {
        Options o = parse(args);
        try (ModelRegistry registry = new ModelRegistry()) {
            Tokenizer tokenizer = Tokenizer.open(o.model(), o.tokenizer());
            registry.register(tokenizer);
            ServerConfig config =
                    ServerConfig.defaults()
                            .withPort(0)
                            .withBatching(
                                    new BatchPolicy(
                                            o.maxBatch(),
                                            Duration.ofMillis(o.maxDelayMs()),
                                            Math.max(1024, o.maxBatch())));
            ServerMetrics metrics = new ServerMetrics(new MetricsRegistry(), registry);
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
    }

    private static void report(
            Options o, Tokenizer tokenizer, TokenizerServer server, ManagedChannel channel)
            throws Exception {
        System.out.printf(
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
        System.out.println();
        System.out.print(table.render());
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
        String text = server.metrics().registry().scrape();
        return new double[] {
            sample(text, "tessera_batch_size_sum"), sample(text, "tessera_batch_size_count")
        };
    }

    private static double sample(String text, String name) {
        Matcher m =
                Pattern.compile("(?m)^" + name + "\\{[^}]*op=\"encode\"\\} (\\S+)$").matcher(text);
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

    private static Options parse(String[] args) {
        Path model = null;
        List<Integer> callers = List.of(1, 16, 64);
        double warmup = 3;
        double measure = 10;
        int maxBatch = 256;
        int maxDelay = 2;
        TokenizerOptions tokenizer = TokenizerOptions.defaults();
        for (int i = 0; i < args.length; i++) {
            Matcher m = OPTION.matcher(args[i]);
            if (!m.matches()) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            if (m.group(1).equals("cuda")) {
                tokenizer = tokenizer.withCuda(true);
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " expects a value");
            }
            String v = args[++i];
            switch (m.group(1)) {
                case "model" -> model = Path.of(v);
                case "callers" ->
                        callers =
                                java.util.Arrays.stream(v.split(","))
                                        .map(String::trim)
                                        .map(Integer::parseInt)
                                        .toList();
                case "warmup-s" -> warmup = Double.parseDouble(v);
                case "measure-s" -> measure = Double.parseDouble(v);
                case "max-batch" -> maxBatch = Integer.parseInt(v);
                case "max-delay-ms" -> maxDelay = Integer.parseInt(v);
                case "threads" -> tokenizer = tokenizer.withIntraOpThreads(Integer.parseInt(v));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (model == null) {
            throw new IllegalArgumentException(
                    "usage: ServingBenchmark --model DIR [--callers 1,16,64] [--warmup-s 3]"
                            + " [--measure-s 10] [--max-batch 256] [--max-delay-ms 2] [--threads N]"
                            + " [--cuda]");
        }
        return new Options(model, callers, warmup, measure, maxBatch, maxDelay, tokenizer);
    }
}
