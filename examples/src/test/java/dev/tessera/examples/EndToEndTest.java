package dev.tessera.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.api.v1.DecodeRequest;
import dev.tessera.api.v1.ModelRef;
import dev.tessera.api.v1.TokenGrid;
import dev.tessera.api.v1.TokenizerServiceGrpc;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.Tokenizer;
import dev.tessera.runtime.server.ModelRegistry;
import dev.tessera.runtime.server.ServerConfig;
import dev.tessera.runtime.server.TokenizerServer;
import dev.tessera.train.data.SyntheticShapes;
import dev.tessera.train.model.Architecture;
import dev.tessera.train.quantize.GmVqConfig;
import dev.tessera.train.train.TrainConfig;
import dev.tessera.train.train.TrainOptions;
import dev.tessera.train.train.TrainingJob;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Train a tiny tokenizer → export → open with the runtime library → serve in-process → gRPC Encode
 * and Decode give exactly the library's tokens and pixels; a bad request gets INVALID_ARGUMENT and
 * the server keeps answering.
 */
class EndToEndTest {

    private static final int K = 16;

    @TempDir Path temp;

    @Test
    void trainedTokenizerServesTheLibrarysTokensAndPixelsOverGrpc() throws Exception {
        Path dir = temp.resolve("tiny");
        List<String> log = new ArrayList<>();
        TrainingJob.Result result = new TrainingJob(tinyOptions(dir), log::add).run();
        assertTrue(result.check().passed(), result.check().summary());
        assertEquals(result.check().totalTokens(), result.check().matchingTokens());
        assertTrue(
                log.stream().anyMatch(l -> l.startsWith("step 6/6")), "progress reported: " + log);

        ImageBatch images = new SyntheticShapes().generate(5, 99);
        try (ModelRegistry registry = new ModelRegistry()) {
            Tokenizer library = Tokenizer.open(dir);
            registry.register(library);
            TokenBatch libraryTokens = library.encode(images);
            ImageBatch libraryPixels = library.decode(libraryTokens);

            String name = "e2e-" + System.nanoTime();
            try (TokenizerServer server =
                            TokenizerServer.startInProcess(
                                    registry, name, ServerConfig.defaults());
                    TokenizerGrpcClient client =
                            TokenizerGrpcClient.over(
                                    InProcessChannelBuilder.forName(name).build(),
                                    Duration.ofSeconds(30))) {
                TokenBatch grpcTokens = client.encode("tiny", images);
                assertEquals(5, grpcTokens.count());
                assertEquals(8, grpcTokens.height());
                assertEquals(8, grpcTokens.width());
                assertArrayEquals(libraryTokens.ids(), grpcTokens.ids());
                ImageBatch grpcPixels = client.decode("tiny", grpcTokens);
                assertArrayEquals(libraryPixels.pixels(), grpcPixels.pixels());

                assertBadTokenIdIsRejected(name);
                assertArrayEquals(
                        libraryTokens.ids(),
                        client.encode("tiny", images).ids(),
                        "the server answers a good request after a bad one");
            }
        }
    }

    private static void assertBadTokenIdIsRejected(String serverName) throws InterruptedException {
        ManagedChannel channel = InProcessChannelBuilder.forName(serverName).build();
        try {
            TokenGrid.Builder grid = TokenGrid.newBuilder().addShape(1).addShape(8).addShape(8);
            for (int i = 0; i < 64; i++) {
                grid.addIds(i == 10 ? K : 0);
            }
            StatusRuntimeException e =
                    org.junit.jupiter.api.Assertions.assertThrows(
                            StatusRuntimeException.class,
                            () ->
                                    TokenizerServiceGrpc.newBlockingStub(channel)
                                            .decode(
                                                    DecodeRequest.newBuilder()
                                                            .setModel(
                                                                    ModelRef.newBuilder()
                                                                            .setName("tiny"))
                                                            .setTokens(grid)
                                                            .build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
            assertTrue(
                    e.getStatus().getDescription().contains("tokens.ids[10]"),
                    e.getStatus().getDescription());
        } finally {
            channel.shutdownNow().awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static TrainOptions tinyOptions(Path out) {
        int codeDim = 4;
        return new TrainOptions(
                "synthetic",
                256,
                64,
                new Architecture(1, 32, 32, 8, 4, codeDim, 1),
                GmVqConfig.defaults(K, codeDim),
                new TrainConfig(6, 16, 2e-3, 3, 2, 2),
                "cpu",
                out,
                "tiny",
                "1",
                false);
    }
}
