package dev.tessera.examples.spark;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.train.api.Images;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Queue;

/**
 * The rows of a range of images in the order of {@link SparkTokenizeJob#SCHEMA}, read and encoded
 * one batch at a time, so a task holds one batch of pixels and tokens however large its range.
 */
final class TokenRows implements Iterator<Row> {

    private final Tokenizer tokenizer;
    private final Images images;
    private final int end;
    private final int batchSize;
    private final Queue<Row> ready = new ArrayDeque<>();
    private int next;

    TokenRows(Tokenizer tokenizer, Images images, IndexRange range, int batchSize) {
        this.tokenizer = tokenizer;
        this.images = images;
        this.end = range.to();
        this.batchSize = batchSize;
        this.next = range.from();
    }

    @Override
    public boolean hasNext() {
        if (ready.isEmpty() && next < end) {
            encodeNextBatch();
        }
        return !ready.isEmpty();
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.remove();
    }

    private void encodeNextBatch() {
        int to = Math.min(end, next + batchSize);
        ImageBatch batch = images.read(next, to);
        TokenBatch tokens = tokenizer.encode(batch);
        int grid = tokens.gridSize();
        for (int i = 0; i < tokens.count(); i++) {
            int index = next + i;
            int label = images.label(index);
            ready.add(
                    RowFactory.create(
                            (long) index,
                            label < 0 ? null : label,
                            tokens.height(),
                            tokens.width(),
                            Arrays.copyOfRange(tokens.ids(), i * grid, (i + 1) * grid),
                            tokenizer.name(),
                            tokenizer.version()));
        }
        next = to;
    }
}
