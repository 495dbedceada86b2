package dev.tessera.runtime.server;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.server.batching.BatchPolicy;
import dev.tessera.runtime.server.batching.DynamicBatcher;

import io.grpc.Context;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The encode and decode batchers of one model version: requests of concurrent callers are merged
 * into one ONNX Runtime run and the result is split back per request. Since the token ids of an
 * image do not depend on the other images of its batch (docs/serving.md), merging never changes an
 * answer. Owns both batchers.
 */
final class ModelBatchers implements AutoCloseable {

    private final DynamicBatcher<ImageBatch, TokenBatch> encode;
    private final DynamicBatcher<TokenBatch, ImageBatch> decode;

    ModelBatchers(Tokenizer tokenizer, BatchPolicy policy, ServerMetrics metrics) {
        String label = tokenizer.name() + ":" + tokenizer.version();
        int gridSize = tokenizer.gridHeight() * tokenizer.gridWidth();
        encode =
                DynamicBatcher.start(
                        "encode " + label,
                        policy,
                        ImageBatch::count,
                        inputs -> encodeAll(tokenizer, inputs),
                        metrics.batchListener(
                                tokenizer.name(), tokenizer.version(), "encode", gridSize));
        decode =
                DynamicBatcher.start(
                        "decode " + label,
                        policy,
                        TokenBatch::count,
                        inputs -> decodeAll(tokenizer, inputs),
                        metrics.batchListener(
                                tokenizer.name(), tokenizer.version(), "decode", gridSize));
    }

    CompletableFuture<TokenBatch> encode(ImageBatch images, Context context) {
        return encode.submit(images, context);
    }

    CompletableFuture<ImageBatch> decode(TokenBatch tokens, Context context) {
        return decode.submit(tokens, context);
    }

    int encodeQueued() {
        return encode.queuedItems();
    }

    int decodeQueued() {
        return decode.queuedItems();
    }

    private static List<TokenBatch> encodeAll(Tokenizer tokenizer, List<ImageBatch> inputs) {
        if (inputs.size() == 1) {
            return List.of(tokenizer.encode(inputs.get(0)));
        }
        TokenBatch all = tokenizer.encode(ImageBatch.concat(inputs));
        List<TokenBatch> out = new ArrayList<>(inputs.size());
        int grid = all.gridSize();
        int from = 0;
        for (ImageBatch in : inputs) {
            int to = from + in.count();
            out.add(
                    new TokenBatch(
                            in.count(),
                            all.height(),
                            all.width(),
                            Arrays.copyOfRange(all.ids(), from * grid, to * grid)));
            from = to;
        }
        return out;
    }

    private static List<ImageBatch> decodeAll(Tokenizer tokenizer, List<TokenBatch> inputs) {
        if (inputs.size() == 1) {
            return List.of(tokenizer.decode(inputs.get(0)));
        }
        ImageBatch all = tokenizer.decode(TokenBatch.concat(inputs));
        List<ImageBatch> out = new ArrayList<>(inputs.size());
        int from = 0;
        for (TokenBatch in : inputs) {
            out.add(all.slice(from, from + in.count()));
            from += in.count();
        }
        return out;
    }

    /** Finishes what is queued, then stops both batchers. */
    @Override
    public void close() {
        try {
            encode.close();
        } finally {
            decode.close();
        }
    }
}
