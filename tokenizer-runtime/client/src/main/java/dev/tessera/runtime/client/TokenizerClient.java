package dev.tessera.runtime.client;

import dev.tessera.api.v1.DecodeRequest;
import dev.tessera.api.v1.DecodeResponse;
import dev.tessera.api.v1.EncodeRequest;
import dev.tessera.api.v1.EncodeResponse;
import dev.tessera.api.v1.GetModelRequest;
import dev.tessera.api.v1.GetModelResponse;
import dev.tessera.api.v1.ListModelsRequest;
import dev.tessera.api.v1.ModelSummary;
import dev.tessera.api.v1.TokenizerServiceGrpc;
import dev.tessera.api.v1.TokenizerServiceGrpc.TokenizerServiceBlockingStub;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.WireTensors;

import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A client of a Tessera tokenizer server ({@code tessera.v1.TokenizerService}): encode images into
 * token grids and decode token grids into images, with the same value types as the in-process
 * {@link dev.tessera.runtime.onnx.Tokenizer}, so a pipeline can switch between the two.
 *
 * <pre>{@code
 * try (TokenizerClient client =
 *         TokenizerClient.builder("tokenizer.internal:50051")
 *                 .tls(TlsSettings.trusting(Path.of("ca.pem")))
 *                 .bearerToken(token)
 *                 .deadline(Duration.ofSeconds(10))
 *                 .build()) {
 *     TokenBatch tokens = client.encode("synthetic-shapes", null, images);
 *     ImageBatch decoded = client.decode("synthetic-shapes", null, tokens);
 * }
 * }</pre>
 *
 * <p>Every call runs under one deadline ({@link TokenizerClientConfig#deadline()}), retries
 * included. Only {@code UNAVAILABLE} is retried, by gRPC's retry policy, with exponential backoff
 * and jitter ({@link RetryPolicy}); every other failure, the last {@code UNAVAILABLE}, and a
 * deadline that passes while waiting to retry are thrown as a {@link TokenizerClientException}
 * carrying the status code, the server's message and the number of attempts. A model is named by
 * its name and version; a null or empty version selects the server's highest, a null or empty name
 * the server's only model.
 *
 * <p>Instances are thread-safe and meant to be shared: one client holds one channel, which
 * multiplexes concurrent calls. {@link #close()} releases it.
 */
public final class TokenizerClient implements AutoCloseable {

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final TokenizerClientConfig config;
    private final ManagedChannel channel;
    private final TokenizerServiceBlockingStub stub;
    private final Deadline.Ticker ticker;

    private TokenizerClient(
            TokenizerClientConfig config, ManagedChannel channel, Deadline.Ticker ticker) {
        this.config = config;
        this.channel = channel;
        this.stub = withToken(TokenizerServiceGrpc.newBlockingStub(channel), config.bearerToken());
        this.ticker = ticker;
    }

    private static TokenizerServiceBlockingStub withToken(
            TokenizerServiceBlockingStub stub, String token) {
        if (token == null) {
            return stub;
        }
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /**
     * A client for {@code config}. The channel connects lazily: an unreachable server shows up as
     * {@code UNAVAILABLE} on the first call, not here.
     *
     * @throws IllegalArgumentException if a TLS file cannot be read as PEM
     */
    public static TokenizerClient connect(TokenizerClientConfig config) {
        return connect(config, null, Deadline.getSystemTicker());
    }

    /**
     * A client whose deadlines are read from {@code ticker} and whose in-process channel waits on
     * {@code timer} (null: gRPC's own): a test's manual clock.
     */
    static TokenizerClient connect(
            TokenizerClientConfig config, ScheduledExecutorService timer, Deadline.Ticker ticker) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(ticker, "ticker");
        return new TokenizerClient(config, ClientChannels.open(config, timer), ticker);
    }

    /** A plaintext client of {@code host:port} with the default deadline and retries. */
    public static TokenizerClient connect(String target) {
        return connect(TokenizerClientConfig.forTarget(target));
    }

    /** A builder for a client of {@code target} ({@code host:port} or {@code in-process:NAME}). */
    public static Builder builder(String target) {
        return new Builder(target);
    }

    /** What this client was built with. */
    public TokenizerClientConfig config() {
        return config;
    }

    /** Every model the server holds, by name then version. */
    public List<ModelSummary> listModels() {
        return call("ListModels", s -> s.listModels(ListModelsRequest.getDefaultInstance()))
                .getModelsList();
    }

    /**
     * One model's summary (K, grid, image shape) and manifest.
     *
     * @param name model name; null or empty for the server's only model
     * @param version model version; null or empty for the highest
     * @throws TokenizerClientException {@code NOT_FOUND} if there is no such model or version
     */
    public GetModelResponse getModel(String name, String version) {
        GetModelRequest request =
                GetModelRequest.newBuilder().setModel(WireMessages.modelRef(name, version)).build();
        return call("GetModel", s -> s.getModel(request));
    }

    /**
     * Encodes uint8 NCHW images into token grids [N, h, w].
     *
     * @param model model name; null or empty for the server's only model
     * @param version model version; null or empty for the highest
     * @throws TokenizerClientException {@code INVALID_ARGUMENT} naming the field if the images do
     *     not fit the model, {@code NOT_FOUND} for an unknown model, {@code RESOURCE_EXHAUSTED} for
     *     a batch over the server's limit
     */
    public TokenBatch encode(String model, String version, ImageBatch images) {
        Objects.requireNonNull(images, "images");
        EncodeRequest request =
                EncodeRequest.newBuilder()
                        .setModel(WireMessages.modelRef(model, version))
                        .setPixels(WireTensors.rawPixels(images))
                        .setRequestId(requestId())
                        .build();
        return encode(request, images.count());
    }

    /**
     * Encodes PNG or JPEG files, which the server decodes: each must have the model's exact width
     * and height (nothing is resized), grayscale or RGB.
     *
     * @param model model name; null or empty for the server's only model
     * @param version model version; null or empty for the highest
     * @param files the bytes of each image file, at least one
     * @throws TokenizerClientException {@code INVALID_ARGUMENT} naming {@code encoded.images[i]}
     *     for a file that does not decode or has the wrong size
     */
    public TokenBatch encodePng(String model, String version, List<byte[]> files) {
        Objects.requireNonNull(files, "files");
        if (files.isEmpty()) {
            throw new IllegalArgumentException("files: expected at least one image file, got none");
        }
        EncodeRequest request =
                EncodeRequest.newBuilder()
                        .setModel(WireMessages.modelRef(model, version))
                        .setEncoded(WireMessages.encodedImages(files))
                        .setRequestId(requestId())
                        .build();
        return encode(request, files.size());
    }

    private TokenBatch encode(EncodeRequest request, int count) {
        EncodeResponse response = call("Encode", s -> s.encode(request));
        return WireMessages.tokens("Encode", response.getTokens(), count);
    }

    /**
     * Decodes token grids [N, h, w] into uint8 NCHW images.
     *
     * @param model model name; null or empty for the server's only model
     * @param version model version; null or empty for the highest
     * @throws TokenizerClientException {@code INVALID_ARGUMENT} naming {@code tokens.shape} or
     *     {@code tokens.ids[i]} if the grid does not fit the model or an id is outside [0, K)
     */
    public ImageBatch decode(String model, String version, TokenBatch tokens) {
        Objects.requireNonNull(tokens, "tokens");
        DecodeRequest request =
                DecodeRequest.newBuilder()
                        .setModel(WireMessages.modelRef(model, version))
                        .setTokens(WireTensors.tokenGrid(tokens))
                        .setRequestId(requestId())
                        .build();
        DecodeResponse response = call("Decode", s -> s.decode(request));
        return WireMessages.images("Decode", response.getPixels(), tokens.count());
    }

    /**
     * Runs one logical call under the configured deadline, which bounds gRPC's retries too, and
     * turns its failure into a {@link TokenizerClientException}.
     */
    private <T> T call(String method, Function<TokenizerServiceBlockingStub, T> rpc) {
        CallAttempts attempts = new CallAttempts();
        Deadline deadline =
                Deadline.after(config.deadline().toNanos(), TimeUnit.NANOSECONDS, ticker);
        try {
            return rpc.apply(stub.withDeadline(deadline).withInterceptors(attempts));
        } catch (StatusRuntimeException e) {
            throw attempts.failure(method, e);
        }
    }

    /** One id per logical call, kept across its retries, so server logs can be matched to it. */
    private static String requestId() {
        return UUID.randomUUID().toString();
    }

    /** Stops the channel, letting calls in flight finish for up to 5 s. Idempotent. */
    @Override
    public void close() {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "TokenizerClient[" + config.target() + "]";
    }

    /**
     * Collects the settings of a {@link TokenizerClient}: plaintext, no token, a 30 s deadline and
     * {@link RetryPolicy#defaults()} unless told otherwise. Not thread-safe; {@link #build()}
     * validates everything.
     */
    public static final class Builder {
        private final String target;
        private TlsSettings tls;
        private String bearerToken;
        private Duration deadline = TokenizerClientConfig.DEFAULT_DEADLINE;
        private RetryPolicy retry = RetryPolicy.defaults();
        private int maxInboundMessageBytes =
                TokenizerClientConfig.DEFAULT_MAX_INBOUND_MESSAGE_BYTES;

        private Builder(String target) {
            this.target = Objects.requireNonNull(target, "target");
        }

        /** Plaintext (the default): for localhost and trusted networks only. */
        public Builder plaintext() {
            this.tls = null;
            return this;
        }

        /** TLS, or mutual TLS when {@code settings} carries a client certificate. */
        public Builder tls(TlsSettings settings) {
            this.tls = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** TLS trusting the CA certificates in {@code caPem}. */
        public Builder tlsTrusting(Path caPem) {
            return tls(TlsSettings.trusting(caPem));
        }

        /** Sends {@code authorization: Bearer <token>} on every call. */
        public Builder bearerToken(String token) {
            this.bearerToken = Objects.requireNonNull(token, "token");
            return this;
        }

        /** Time allowed for each call, retries included. */
        public Builder deadline(Duration callDeadline) {
            this.deadline = Objects.requireNonNull(callDeadline, "callDeadline");
            return this;
        }

        /** How {@code UNAVAILABLE} is retried; {@link RetryPolicy#none()} for no retries. */
        public Builder retry(RetryPolicy policy) {
            this.retry = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Largest response accepted, in bytes. */
        public Builder maxInboundMessageBytes(int bytes) {
            this.maxInboundMessageBytes = bytes;
            return this;
        }

        /** The validated configuration, without connecting. */
        public TokenizerClientConfig config() {
            return new TokenizerClientConfig(
                    target, tls, bearerToken, deadline, retry, maxInboundMessageBytes);
        }

        /**
         * The client.
         *
         * @throws IllegalArgumentException naming the setting that is wrong
         */
        public TokenizerClient build() {
            return connect(config());
        }
    }
}
