package dev.tessera.examples.spark;

import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.train.api.Images;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;

import java.util.Iterator;

/**
 * What one Spark task does with its slice number: takes its share of the split's images and returns
 * their token rows, encoding them batch by batch as Spark pulls rows. Serialized to the executors,
 * so it holds only paths and numbers; the tokenizer and the data set are opened there.
 *
 * @param data data set path, readable on the executor
 * @param split train or test
 * @param model tokenizer directory, readable on the executor
 * @param threads ONNX Runtime intra-op threads of the executor's tokenizer
 * @param seed seed of the hold-out split
 * @param limit tokenize only the first {@code limit} images of the split
 * @param slices number of slices the split is divided into
 * @param batchSize images per encode call
 */
record TokenizeTask(
        String data,
        String split,
        String model,
        int threads,
        long seed,
        int limit,
        int slices,
        int batchSize)
        implements FlatMapFunction<Integer, Row> {

    @Override
    public Iterator<Row> call(Integer slice) {
        Tokenizer tokenizer = ExecutorTokenizers.get(model, threads);
        Images images = ExecutorDataSets.get(data, split, seed, tokenizer);
        IndexRange range = IndexRange.slice(slice, slices, Math.min(images.count(), limit));
        return new TokenRows(tokenizer, images, range, batchSize);
    }
}
