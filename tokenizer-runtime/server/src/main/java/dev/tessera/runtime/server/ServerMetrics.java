package dev.tessera.runtime.server;

import dev.tessera.runtime.server.batching.BatchListener;
import dev.tessera.runtime.server.metrics.Counter;
import dev.tessera.runtime.server.metrics.Histogram;
import dev.tessera.runtime.server.metrics.MetricsRegistry;

import io.grpc.Status;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * The metrics of a tokenizer server, by the names an operator's dashboards use:
 *
 * <ul>
 *   <li>{@code tessera_requests_total{method,model,version,code}} every finished call, and {@code
 *       tessera_request_errors_total} with the same labels for the calls not {@code OK};
 *   <li>{@code tessera_request_duration_seconds{method,model}} call latency;
 *   <li>{@code tessera_batch_size{model,version,op}} images or grids per model run, and {@code
 *       tessera_batch_duration_seconds} the run's time ({@code op} is {@code encode} or {@code
 *       decode});
 *   <li>{@code tessera_queue_depth{model,version,op}} images or grids waiting for a run;
 *   <li>{@code tessera_images_total} and {@code tessera_tokens_total{model,version,op}} work done
 *       ({@code rate()} gives images and tokens per second);
 *   <li>{@code tessera_dropped_requests_total{model,version,op,reason}} requests dropped before
 *       their run because the deadline passed or the caller cancelled;
 *   <li>{@code tessera_models_loaded}, {@code tessera_model_loads_total{result}} and {@code
 *       tessera_calls_in_flight}.
 * </ul>
 *
 * A request for an unknown model is counted under {@code model=""}, so that callers cannot create
 * unbounded label values.
 */
public final class ServerMetrics {

    private final MetricsRegistry registry;
    private final Counter requests;
    private final Counter errors;
    private final Histogram latency;
    private final Histogram batchSize;
    private final Histogram batchDuration;
    private final Counter images;
    private final Counter tokens;
    private final Counter dropped;
    private final Counter modelLoads;

    /**
     * Registers the metrics in {@code registry}; queue depths and the model count are read from
     * {@code models} at every scrape.
     */
    public ServerMetrics(MetricsRegistry registry, ModelRegistry models) {
        this.registry = Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(models, "models");
        requests =
                registry.counter(
                        "tessera_requests_total",
                        "Finished calls by method, model, version and status code.",
                        "method",
                        "model",
                        "version",
                        "code");
        errors =
                registry.counter(
                        "tessera_request_errors_total",
                        "Finished calls whose status is not OK.",
                        "method",
                        "model",
                        "version",
                        "code");
        latency =
                registry.histogram(
                        "tessera_request_duration_seconds",
                        "Call latency from the first byte to the status, in seconds.",
                        Histogram.latencySeconds(),
                        "method",
                        "model");
        batchSize =
                registry.histogram(
                        "tessera_batch_size",
                        "Images or token grids per model run formed by the dynamic batcher.",
                        Histogram.powersOfTwo(4096),
                        "model",
                        "version",
                        "op");
        batchDuration =
                registry.histogram(
                        "tessera_batch_duration_seconds",
                        "Wall time of one model run, in seconds.",
                        Histogram.latencySeconds(),
                        "model",
                        "version",
                        "op");
        images =
                registry.counter(
                        "tessera_images_total",
                        "Images encoded or decoded.",
                        "model",
                        "version",
                        "op");
        tokens =
                registry.counter(
                        "tessera_tokens_total",
                        "Tokens produced by encode or consumed by decode.",
                        "model",
                        "version",
                        "op");
        dropped =
                registry.counter(
                        "tessera_dropped_requests_total",
                        "Requests dropped before their model run (deadline passed or cancelled).",
                        "model",
                        "version",
                        "op",
                        "reason");
        modelLoads =
                registry.counter(
                        "tessera_model_loads_total",
                        "Tokenizer directories loaded or refused by the model repository.",
                        "result");
        registerGauges(registry, models);
    }

    private static void registerGauges(MetricsRegistry registry, ModelRegistry models) {
        registry.gauge(
                "tessera_queue_depth",
                "Images or token grids waiting for a model run.",
                List.of("model", "version", "op"),
                () -> queueDepths(models));
        // The Prometheus Java client's JVM metrics have the same name (issue 14 replaces this).
        registry.gauge(
                "process_cpu_seconds_total",
                "CPU time of the server process (every thread) in seconds.",
                List.of(),
                () -> Map.of(List.of(), processCpuSeconds()));
        registry.gauge(
                "tessera_models_loaded",
                "Model versions being served.",
                List.of(),
                () -> Map.of(List.of(), (double) models.served().size()));
    }

    private static double processCpuSeconds() {
        if (ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }

    private static Map<List<String>, Double> queueDepths(ModelRegistry models) {
        Map<List<String>, Double> depths = new HashMap<>();
        for (ServedModel m : models.served()) {
            ModelBatchers b = m.batchersIfCreated();
            depths.put(
                    List.of(m.name(), m.version(), "encode"), b == null ? 0.0 : b.encodeQueued());
            depths.put(
                    List.of(m.name(), m.version(), "decode"), b == null ? 0.0 : b.decodeQueued());
        }
        return depths;
    }

    /** Publishes {@code tessera_calls_in_flight}, read from {@code inFlight} at every scrape. */
    void trackCallsInFlight(IntSupplier inFlight) {
        registry.gauge(
                "tessera_calls_in_flight",
                "Tokenizer calls being served now.",
                List.of(),
                () -> Map.of(List.of(), (double) inFlight.getAsInt()));
    }

    /** The registry these metrics live in, for the HTTP endpoint. */
    public MetricsRegistry registry() {
        return registry;
    }

    /** Records a finished call. */
    void callFinished(String method, String model, String version, Status.Code code, long nanos) {
        requests.inc(method, model, version, code.name());
        if (code != Status.Code.OK) {
            errors.inc(method, model, version, code.name());
        }
        latency.observe(nanos / 1e9, method, model);
    }

    /** Records a tokenizer directory loaded or refused. */
    public void modelLoad(boolean loaded) {
        modelLoads.inc(loaded ? "loaded" : "refused");
    }

    /**
     * A listener recording one batcher's runs.
     *
     * @param op {@code encode} or {@code decode}
     * @param tokensPerItem tokens of one image's grid
     */
    BatchListener batchListener(String model, String version, String op, int tokensPerItem) {
        return new BatchListener() {
            @Override
            public void batchRan(int items, int requests, long nanos) {
                batchSize.observe(items, model, version, op);
                batchDuration.observe(nanos / 1e9, model, version, op);
                images.add(items, model, version, op);
                tokens.add((double) items * tokensPerItem, model, version, op);
            }

            @Override
            public void dropped(boolean deadlineExceeded) {
                dropped.inc(model, version, op, deadlineExceeded ? "deadline" : "cancelled");
            }
        };
    }
}
