package dev.tessera.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.client.TokenizerClient;
import dev.tessera.runtime.client.TokenizerClientException;
import dev.tessera.runtime.server.ModelRegistry;
import dev.tessera.runtime.server.ServerConfig;
import dev.tessera.runtime.server.TokenizerServer;
import dev.tessera.train.api.ImageDataSet;
import dev.tessera.train.api.TrainingOutcome;

import io.grpc.Status;

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

    private static final int K = TinyTokenizer.CODEBOOK_SIZE;

    @TempDir Path temp;

    @Test
    void trainedTokenizerServesTheLibrarysTokensAndPixelsOverGrpc() throws Exception {
        Path dir = temp.resolve("tiny");
        List<String> log = new ArrayList<>();
        TrainingOutcome result = TinyTokenizer.training(dir, 32).run(log::add);
        assertTrue(result.exportCheckPassed(), result.exportCheckSummary());
        assertEquals(result.totalTokens(), result.matchingTokens());
        assertTrue(
                log.stream().anyMatch(l -> l.startsWith("step 6/6")), "progress reported: " + log);

        ImageBatch images = ImageDataSet.syntheticShapes(5, 99);
        try (ModelRegistry registry = new ModelRegistry()) {
            Tokenizer library = Tokenizer.open(dir);
            registry.register(library);
            TokenBatch libraryTokens = library.encode(images);
            ImageBatch libraryPixels = library.decode(libraryTokens);

            String name = "e2e-" + System.nanoTime();
            try (TokenizerServer server =
                            TokenizerServer.startInProcess(
                                    registry, name, ServerConfig.defaults());
                    TokenizerClient client =
                            TokenizerClient.builder(server.address())
                                    .deadline(Duration.ofSeconds(30))
                                    .build()) {
                TokenBatch grpcTokens = client.encode("tiny", null, images);
                assertEquals(5, grpcTokens.count());
                assertEquals(8, grpcTokens.height());
                assertEquals(8, grpcTokens.width());
                assertArrayEquals(libraryTokens.ids(), grpcTokens.ids());
                ImageBatch grpcPixels = client.decode("tiny", "1", grpcTokens);
                assertArrayEquals(libraryPixels.pixels(), grpcPixels.pixels());

                assertBadTokenIdIsRejected(client);
                assertArrayEquals(
                        libraryTokens.ids(),
                        client.encode("tiny", "1", images).ids(),
                        "the server answers a good request after a bad one");
            }
        }
    }

    private static void assertBadTokenIdIsRejected(TokenizerClient client) {
        int[] ids = new int[64];
        ids[10] = K;
        TokenizerClientException e =
                org.junit.jupiter.api.Assertions.assertThrows(
                        TokenizerClientException.class,
                        () -> client.decode("tiny", null, new TokenBatch(1, 8, 8, ids)));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
        assertEquals(1, e.attempts(), "a refused request is not retried");
        assertTrue(e.description().contains("tokens.ids[10]"), e.description());
    }
}
