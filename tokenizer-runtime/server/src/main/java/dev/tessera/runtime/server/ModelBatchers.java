package dev.tessera.runtime.server;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.ModelShapes;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.server.batching.BatchPolicy;
import dev.tessera.runtime.server.batching.BatchRunner;
import dev.tessera.runtime.server.batching.DynamicBatcher;

import io.grpc.Context;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;

/**
 * The encode and decode batchers of one model version: requests of concurrent callers are merged
 * into one ONNX Runtime run and the result is split back per request. Each batcher keeps as many
 * runs in flight as the tokenizer has instances ({@link Tokenizer#instances()}), each on a session
 * and buffers of its own. Since the token ids of an image do not depend on the other images of its
 * batch (docs/serving.md), merging never changes an answer. Owns both batchers.
 *
 * <p>A model that takes any multiple of its downsampling factor may get requests of different
 * sizes: a merged batch then runs once per size (an ONNX Runtime run takes one shape), and each
 * request counts toward the batch limit in training-size images ({@link ModelShapes#units}), so a
 * run never holds more pixels than {@code maxBatch} images of the training size would.
 */
final class ModelBatchers implements AutoCloseable {

    private final DynamicBatcher<ImageBatch, TokenBatch> encode;
    private final DynamicBatcher<TokenBatch, ImageBatch> decode;

    /**
     * @param completions where the callers' futures of a run of several requests complete (and
     *     their answers are built), one task per run, off the runs' threads
     * @param ticker the time the batching delay is measured with
     */
    ModelBatchers(
            Tokenizer tokenizer,
            BatchPolicy policy,
            ServerMetrics metrics,
            Executor completions,
            LongSupplier ticker) {
        ModelShapes shapes = tokenizer.shapes();
        encode =
                start(
                        "encode",
                        tokenizer,
                        policy,
                        metrics,
                        completions,
                        ticker,
                        images ->
                                toInt(
                                        shapes.units(
                                                images.count(), images.height(), images.width())),
                        inputs -> encodeAll(tokenizer, inputs));
        decode =
                start(
                        "decode",
                        tokenizer,
                        policy,
                        metrics,
                        completions,
                        ticker,
                        tokens ->
                                toInt(
                                        shapes.gridUnits(
                                                tokens.count(), tokens.height(), tokens.width())),
                        inputs -> decodeAll(tokenizer, inputs));
    }

    private static <I, O> DynamicBatcher<I, O> start(
            String op,
            Tokenizer tokenizer,
            BatchPolicy policy,
            ServerMetrics metrics,
            Executor completions,
            LongSupplier ticker,
            ToIntFunction<I> sizeOf,
            BatchRunner<I, O> runner) {
        int gridSize = tokenizer.gridHeight() * tokenizer.gridWidth();
        return DynamicBatcher.builder(
                        op + " " + tokenizer.name() + ":" + tokenizer.version(),
                        policy,
                        sizeOf,
                        runner)
                .workers(tokenizer.instances())
                .listener(
                        metrics.batchListener(tokenizer.name(), tokenizer.version(), op, gridSize))
                .completions(completions)
                .ticker(ticker)
                .start();
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

    /** One run of images of one size; each request's tokens are split off when read. */
    private static List<TokenBatch> encodeSame(Tokenizer tokenizer, List<ImageBatch> inputs) {
        TokenBatch all = tokenizer.encode(inputs);
        if (inputs.size() == 1) {
            return List.of(all);
        }
        int grid = all.gridSize();
        return new Split<>(
                inputs.stream().mapToInt(ImageBatch::count).toArray(),
                (from, to) ->
                        new TokenBatch(
                                to - from,
                                all.height(),
                                all.width(),
                                Arrays.copyOfRange(all.ids(), from * grid, to * grid)));
    }

    /** One run of grids of one shape; each request's images are split off when read. */
    private static List<ImageBatch> decodeSame(Tokenizer tokenizer, List<TokenBatch> inputs) {
        ImageBatch all = tokenizer.decode(inputs);
        if (inputs.size() == 1) {
            return List.of(all);
        }
        return new Split<>(inputs.stream().mapToInt(TokenBatch::count).toArray(), all::slice);
    }

    /**
     * The outputs of the requests of a merged run: request {@code i}'s items are split off the
     * merged output when it is read, which the batcher does on its completions executor.
     */
    private static final class Split<O> extends AbstractList<O> {

        /** Items {@code from} (inclusive) to {@code to} (exclusive) of the merged output. */
        interface Slicer<O> {
            O slice(int from, int to);
        }

        private final int[] starts;
        private final Slicer<O> slicer;

        Split(int[] counts, Slicer<O> slicer) {
            starts = new int[counts.length + 1];
            for (int i = 0; i < counts.length; i++) {
                starts[i + 1] = starts[i] + counts[i];
            }
            this.slicer = slicer;
        }

        @Override
        public O get(int i) {
            return slicer.slice(starts[i], starts[i + 1]);
        }

        @Override
        public int size() {
            return starts.length - 1;
        }
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
