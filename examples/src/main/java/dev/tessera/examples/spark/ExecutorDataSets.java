package dev.tessera.examples.spark;

import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.train.data.DataException;
import dev.tessera.train.data.DataOptions;
import dev.tessera.train.data.DataSplits;
import dev.tessera.train.data.Datasets;
import dev.tessera.train.data.ImageSource;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The data set splits this JVM reads from, opened once per executor with the trainer's readers and
 * shared by its tasks, each of which reads only its own images.
 *
 * <p>An IDX or .npy data set is loaded whole into each executor's memory (the trainer's readers
 * have no random access into them; MNIST's 60,000 training images are 47 MB). An image folder is
 * only listed; each task decodes its own files. Static for the reason given in {@link
 * ExecutorTokenizers}.
 */
final class ExecutorDataSets {

    private record Key(String data, String split, DataOptions options) {}

    private static final Map<Key, ImageSource> OPEN = new ConcurrentHashMap<>();

    private ExecutorDataSets() {}

    /**
     * Split {@code split} of the data set at {@code data}, its images brought to the shape {@code
     * tokenizer} encodes; a data set without a split of its own is split by hold-out with {@code
     * seed}, as {@code tessera train} and {@code tessera eval} split it.
     *
     * @throws DataException if the data set cannot be read; the message names the path
     */
    static ImageSource get(String data, String split, long seed, Tokenizer tokenizer) {
        DataOptions options =
                DataOptions.defaults(seed)
                        .withImageSize(tokenizer.imageHeight(), tokenizer.imageWidth())
                        .withChannels(tokenizer.channels())
                        // Stream every image folder: a task decodes only the files it tokenizes.
                        .withInMemoryLimitBytes(0);
        return OPEN.computeIfAbsent(new Key(data, split, options), ExecutorDataSets::open);
    }

    private static ImageSource open(Key key) {
        DataSplits splits;
        try {
            splits = Datasets.open(key.data(), key.options());
        } catch (IOException e) {
            throw new DataException(
                    "cannot read data set " + key.data() + ": " + e.getMessage(), e);
        }
        return key.split().equals("test") ? splits.test() : splits.train();
    }
}
