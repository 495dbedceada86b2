package dev.tessera.runtime.server;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.ModelShapes;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.server.batching.BatchPolicy;
import dev.tessera.runtime.server.batching.DynamicBatcher;

import io.grpc.Context;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The encode and decode batchers of one model version: requests of concurrent callers are merged
 * into one ONNX Runtime run and the result is split back per request. Since the token ids of an
 * image do not depend on the other images of its batch (docs/serving.md), merging never changes an
 * answer. Owns both batchers.
 *
 * <p>A model that takes any multiple of its downsampling factor may get requests of different
 * sizes: a merged batch then runs once per size (an ONNX Runtime run takes one shape), and each
 * request counts toward the batch limit in training-size images ({@link ModelShapes#units}), so a
 * run never holds more pixels than {@code maxBatch} images of the training size would.
 */
final class ModelBatchers implements AutoCloseable {

    private final DynamicBatcher<ImageBatch, TokenBatch> encode;
    private final DynamicBatcher<TokenBatch, ImageBatch> decode;

    ModelBatchers(Tokenizer tokenizer, BatchPolicy policy, ServerMetrics metrics) {
        String label = tokenizer.name() + ":" + tokenizer.version();
        int gridSize = tokenizer.gridHeight() * tokenizer.gridWidth();
        ModelShapes shapes = tokenizer.shapes();
        encode =
                DynamicBatcher.start(
                        "encode " + label,
                        policy,
                        images ->
                                toInt(shapes.units(images.count(), images.height(), images.width())),
                        inputs -> encodeAll(tokenizer, inputs),
                        metrics.batchListener(
                                tokenizer.name(), tokenizer.version(), "encode", gridSize));
        decode =
                DynamicBatcher.start(
                        "decode " + label,
                        policy,
                        tokens ->
                                toInt(
                                        shapes.gridUnits(
                                                tokens.count(), tokens.height(), tokens.width())),
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

    /** Units past int are over any batch limit; the batcher refuses them. */
    private static int toInt(long units) {
        return (int) Math.min(Integer.MAX_VALUE, units);
    }

    private static List<TokenBatch> encodeAll(Tokenizer tokenizer, List<ImageBatch> inputs) {
        return runByShape(
                inputs, i -> List.of(i.height(), i.width()), same -> encodeSame(tokenizer, same));
    }

    private static List<ImageBatch> decodeAll(Tokenizer tokenizer, List<TokenBatch> inputs) {
        return runByShape(
                inputs, i -> List.of(i.height(), i.width()), same -> decodeSame(tokenizer, same));
    }

    /**
     * Runs {@code inputs} in one group per shape, groups in the order their shapes first appear,
     * and returns the outputs in the order of the inputs. Inputs of one shape (always, for a model
     * of fixed size) are a single run.
     */
    static <I, O> List<O> runByShape(
            List<I> inputs, Function<I, Object> shapeOf, Function<List<I>, List<O>> run) {
        Map<Object, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            groups.computeIfAbsent(shapeOf.apply(inputs.get(i)), k -> new ArrayList<>()).add(i);
        }
        if (groups.size() == 1) {
            return run.apply(inputs);
        }
        List<O> outputs = new ArrayList<>(Collections.nCopies(inputs.size(), null));
        for (List<Integer> group : groups.values()) {
            List<O> out = run.apply(group.stream().map(inputs::get).toList());
            for (int j = 0; j < group.size(); j++) {
                outputs.set(group.get(j), out.get(j));
            }
        }
        return outputs;
    }

    private static List<TokenBatch> encodeSame(Tokenizer tokenizer, List<ImageBatch> inputs) {
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

    private static List<ImageBatch> decodeSame(Tokenizer tokenizer, List<TokenBatch> inputs) {
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
