package dev.tessera.runtime.server;

import dev.tessera.runtime.server.batching.BatchListener;

import io.grpc.Status;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
 * unbounded label values. The metrics live in a {@link PrometheusRegistry} of the Prometheus Java
 * client, which writes the exposition formats; counters are registered under their full name
 * ({@code tessera_requests_total}) and the client keeps that name in every format.
 *
 * <p>One instance per server: it also identifies the server's batchers in the {@link
 * ModelRegistry} (see {@link ServedModel#batchers}), whose queue depths it reports.
 */
public final class ServerMetrics {

    /** Bounds from 0.5 ms to 10 s, roughly ×2.5 apart: for call and batch latencies in seconds. */
    private static final double[] LATENCY_SECONDS = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
    };

    private final PrometheusRegistry registry;
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
     *
     * @throws IllegalArgumentException if {@code registry} already holds a metric of these names
     */
    public ServerMetrics(PrometheusRegistry registry, ModelRegistry models) {
        this.registry = Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(models, "models");
        String[] call = {"method", "model", "version", "code"};
        String[] run = {"model", "version", "op"};
        requests =
                counter(
                        "tessera_requests_total",
                        "Finished calls by method, model, version and status code.",
                        call);
        errors =
                counter(
                        "tessera_request_errors_total",
                        "Finished calls whose status is not OK.",
                        call);
        latency =
                Histogram.builder()
                        .name("tessera_request_duration_seconds")
                        .help("Call latency from the first byte to the status, in seconds.")
                        .labelNames("method", "model")
                        .classicOnly()
                        .classicUpperBounds(LATENCY_SECONDS)
                        .register(registry);
        batchSize =
                Histogram.builder()
                        .name("tessera_batch_size")
                        .help("Images or token grids per model run formed by the dynamic batcher.")
                        .labelNames(run)
                        .classicOnly()
                        .classicExponentialUpperBounds(1, 2, 13) // 1, 2, 4, ... 4096
                        .register(registry);
        batchDuration =
                Histogram.builder()
                        .name("tessera_batch_duration_seconds")
                        .help("Wall time of one model run, in seconds.")
                        .labelNames(run)
                        .classicOnly()
                        .classicUpperBounds(LATENCY_SECONDS)
                        .register(registry);
        images = counter("tessera_images_total", "Images encoded or decoded.", run);
        tokens =
                counter(
                        "tessera_tokens_total",
                        "Tokens produced by encode or consumed by decode.",
                        run);
        dropped =
                counter(
                        "tessera_dropped_requests_total",
                        "Requests dropped before their model run (deadline passed or cancelled).",
                        "model",
                        "version",
                        "op",
                        "reason");
        modelLoads =
                counter(
                        "tessera_model_loads_total",
                        "Tokenizer directories loaded or refused by the model repository.",
                        "result");
        GaugeWithCallback.builder()
                .name("tessera_queue_depth")
                .help("Images or token grids waiting for a model run.")
                .labelNames(run)
                .callback(depths -> queueDepths(models, depths))
                .register(registry);
        GaugeWithCallback.builder()
                .name("tessera_models_loaded")
                .help("Model versions being served.")
                .callback(gauge -> gauge.call(models.served().size()))
                .register(registry);
    }

    private Counter counter(String name, String help, String... labelNames) {
        return Counter.builder().name(name).help(help).labelNames(labelNames).register(registry);
    }

    private void queueDepths(ModelRegistry models, GaugeWithCallback.Callback depths) {
        for (ServedModel m : models.served()) {
            ModelBatchers b = m.batchersIfCreated(this);
            depths.call(b == null ? 0 : b.encodeQueued(), m.name(), m.version(), "encode");
            depths.call(b == null ? 0 : b.decodeQueued(), m.name(), m.version(), "decode");
        }
    }

    /** Publishes {@code tessera_calls_in_flight}, read from {@code inFlight} at every scrape. */
    void trackCallsInFlight(IntSupplier inFlight) {
        GaugeWithCallback.builder()
                .name("tessera_calls_in_flight")
                .help("Tokenizer calls being served now.")
                .callback(gauge -> gauge.call(inFlight.getAsInt()))
                .register(registry);
    }

    /** The registry these metrics live in, for the HTTP endpoint. */
    public PrometheusRegistry registry() {
        return registry;
    }

    /**
     * Every metric of the registry in the Prometheus text format (version 0.0.4), as the HTTP
     * endpoint answers a scraper that asks for no other format.
     */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Records a finished call. */
    void callFinished(String method, String model, String version, Status.Code code, long nanos) {
        requests.labelValues(method, model, version, code.name()).inc();
        if (code != Status.Code.OK) {
            errors.labelValues(method, model, version, code.name()).inc();
        }
        latency.labelValues(method, model).observe(nanos / 1e9);
    }

    /** Records a tokenizer directory loaded or refused. */
    public void modelLoad(boolean loaded) {
        modelLoads.labelValues(loaded ? "loaded" : "refused").inc();
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
                batchSize.labelValues(model, version, op).observe(items);
                batchDuration.labelValues(model, version, op).observe(nanos / 1e9);
                images.labelValues(model, version, op).inc(items);
                tokens.labelValues(model, version, op).inc((double) items * tokensPerItem);
            }

            @Override
            public void dropped(boolean deadlineExceeded) {
                dropped.labelValues(model, version, op, deadlineExceeded ? "deadline" : "cancelled")
                        .inc();
            }
        };
    }
}
