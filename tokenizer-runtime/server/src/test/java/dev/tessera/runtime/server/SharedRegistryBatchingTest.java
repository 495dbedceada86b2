package dev.tessera.runtime.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.api.v1.EncodeResponse;
import dev.tessera.api.v1.ModelRef;
import dev.tessera.api.v1.TokenizerServiceGrpc;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.testing.ToyImages;
import dev.tessera.runtime.testing.ToyTokenizer;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Two servers on one model registry batch with their own policies and record into their own
 * metrics: the batchers belong to the server, not to the model.
 */
class SharedRegistryBatchingTest {

    private static final ModelRef TOY = TestRequests.model("toy", "");

    @TempDir Path temp;

    private static EncodeResponse encode(String server, int images) {
        byte[] one = ToyImages.quadrants();
        byte[] pixels = new byte[images * one.length];
        for (int i = 0; i < images; i++) {
            System.arraycopy(one, 0, pixels, i * one.length, one.length);
        }
        ManagedChannel channel = InProcessChannelBuilder.forName(server).build();
        try {
            return TokenizerServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(20, TimeUnit.SECONDS)
                    .encode(TestRequests.encode(TOY, pixels, images));
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void aSecondServerWithALargerMaxBatchUsesItsOwnBatchersAndMetrics() throws Exception {
        try (ModelRegistry registry = new ModelRegistry()) {
            registry.register(Tokenizer.open(ToyTokenizer.gray("toy", "1").writeTo(temp)));
            String small = "small-" + UUID.randomUUID();
            String large = "large-" + UUID.randomUUID();
            try (TokenizerServer four =
                            TokenizerServer.startInProcess(
                                    registry, small, ServerConfig.defaults().withMaxBatch(4));
                    TokenizerServer sixteen =
                            TokenizerServer.startInProcess(
                                    registry, large, ServerConfig.defaults().withMaxBatch(16))) {
                assertEquals(4, TestRequests.ids(encode(small, 1)).length);
                // The model's batchers now exist; the second server must not get the first's.
                int[] ids = TestRequests.ids(encode(large, 7));
                assertEquals(7 * 4, ids.length);
                for (int i = 0; i < 7; i++) {
                    assertArrayEquals(
                            ToyImages.QUADRANT_TOKENS,
                            Arrays.copyOfRange(ids, i * 4, i * 4 + 4));
                }
                String[] encodeRuns = {"model", "toy", "version", "1", "op", "encode"};
                ScrapedMetrics first = new ScrapedMetrics(four.metrics().scrape());
                ScrapedMetrics second = new ScrapedMetrics(sixteen.metrics().scrape());
                assertEquals(1, first.value("tessera_images_total", encodeRuns));
                assertEquals(7, second.value("tessera_images_total", encodeRuns));
                assertEquals(7, second.value("tessera_batch_size_sum", encodeRuns));

                // Closing one server closes its batchers only: the other keeps batching.
                four.close();
                assertEquals(4, TestRequests.ids(encode(large, 1)).length);
            }
        }
    }
}
