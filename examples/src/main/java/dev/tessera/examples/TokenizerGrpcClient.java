package dev.tessera.examples;

import com.google.protobuf.ByteString;

import dev.tessera.api.v1.DType;
import dev.tessera.api.v1.DecodeRequest;
import dev.tessera.api.v1.DecodeResponse;
import dev.tessera.api.v1.EncodeRequest;
import dev.tessera.api.v1.EncodeResponse;
import dev.tessera.api.v1.ListModelsRequest;
import dev.tessera.api.v1.ModelRef;
import dev.tessera.api.v1.ModelSummary;
import dev.tessera.api.v1.RawTensor;
import dev.tessera.api.v1.TokenGrid;
import dev.tessera.api.v1.TokenizerServiceGrpc;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small client of {@code tessera.v1.TokenizerService}: encode images to token grids and decode
 * them back. Copy it into a pipeline as it is; it needs only the generated stubs of the {@code
 * proto} module and grpc-java.
 *
 * <pre>{@code
 * try (TokenizerGrpcClient client = TokenizerGrpcClient.connect("localhost:50051")) {
 *     TokenBatch tokens = client.encode("synthetic-shapes", images);
 *     ImageBatch decoded = client.decode("synthetic-shapes", tokens);
 * }
 * }</pre>
 */
public final class TokenizerGrpcClient implements AutoCloseable {

    private static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);

    private final ManagedChannel channel;
    private final TokenizerServiceGrpc.TokenizerServiceBlockingStub stub;
    private final Duration deadline;

    private TokenizerGrpcClient(ManagedChannel channel, Duration deadline) {
        this.channel = channel;
        this.stub = TokenizerServiceGrpc.newBlockingStub(channel);
        this.deadline = deadline;
    }

    /** A plaintext connection to {@code host:port}, with a 30 s deadline on every call. */
    public static TokenizerGrpcClient connect(String target) {
        return connect(target, DEFAULT_DEADLINE);
    }

    public static TokenizerGrpcClient connect(String target, Duration deadline) {
        ManagedChannel channel =
                ManagedChannelBuilder.forTarget(target)
                        .usePlaintext()
                        .maxInboundMessageSize(64 << 20)
                        .build();
        return new TokenizerGrpcClient(channel, deadline);
    }

    /**
     * A client over a channel built elsewhere (TLS, in-process, load balancing); closing it closes
     * the channel.
     */
    public static TokenizerGrpcClient over(ManagedChannel channel, Duration deadline) {
        return new TokenizerGrpcClient(channel, deadline);
    }

    private TokenizerServiceGrpc.TokenizerServiceBlockingStub call() {
        return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The models the server holds. */
    public List<ModelSummary> listModels() {
        return call().listModels(ListModelsRequest.getDefaultInstance()).getModelsList();
    }

    /**
     * uint8 images [N, C, H, W] → token ids [N, h, w], from the highest version of {@code model}.
     */
    public TokenBatch encode(String model, ImageBatch images) {
        RawTensor pixels =
                RawTensor.newBuilder()
                        .setDtype(DType.DTYPE_UINT8)
                        .addShape(images.count())
                        .addShape(images.channels())
                        .addShape(images.height())
                        .addShape(images.width())
                        .setData(ByteString.copyFrom(images.pixels()))
                        .build();
        EncodeResponse response =
                call().encode(
                                EncodeRequest.newBuilder()
                                        .setModel(ModelRef.newBuilder().setName(model))
                                        .setPixels(pixels)
                                        .build());
        TokenGrid grid = response.getTokens();
        int[] ids = grid.getIdsList().stream().mapToInt(Integer::intValue).toArray();
        return new TokenBatch(
                (int) grid.getShape(0), (int) grid.getShape(1), (int) grid.getShape(2), ids);
    }

    /** Token ids [N, h, w] → uint8 images [N, C, H, W]. */
    public ImageBatch decode(String model, TokenBatch tokens) {
        TokenGrid.Builder grid =
                TokenGrid.newBuilder()
                        .addShape(tokens.count())
                        .addShape(tokens.height())
                        .addShape(tokens.width());
        for (int id : tokens.ids()) {
            grid.addIds(id);
        }
        DecodeResponse response =
                call().decode(
                                DecodeRequest.newBuilder()
                                        .setModel(ModelRef.newBuilder().setName(model))
                                        .setTokens(grid)
                                        .build());
        RawTensor pixels = response.getPixels();
        return new ImageBatch(
                (int) pixels.getShape(0),
                (int) pixels.getShape(1),
                (int) pixels.getShape(2),
                (int) pixels.getShape(3),
                pixels.getData().toByteArray());
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdown();
        if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
            channel.shutdownNow();
        }
    }
}
