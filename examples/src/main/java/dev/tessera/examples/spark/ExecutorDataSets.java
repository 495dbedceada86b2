package dev.tessera.examples.spark;

import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.train.api.ImageDataException;
import dev.tessera.train.api.ImageDataSet;
import dev.tessera.train.api.Images;

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

    private record Key(ImageDataSet.Request request, String split) {}

    private static final Map<Key, Images> OPEN = new ConcurrentHashMap<>();

    private ExecutorDataSets() {}

    /**
     * Split {@code split} of the data set at {@code data}, its images brought to the shape {@code
     * tokenizer} encodes; a data set without a split of its own is split by hold-out with {@code
     * seed}, as {@code tessera train} and {@code tessera eval} split it.
     *
     * @throws ImageDataException if the data set cannot be read; the message names the path
     */
    static Images get(String data, String split, long seed, Tokenizer tokenizer) {
        ImageDataSet.Request request =
                ImageDataSet.at(data)
                        .seed(seed)
                        .shape(
                                tokenizer.channels(),
                                tokenizer.imageHeight(),
                                tokenizer.imageWidth())
                        // Stream every image folder: a task decodes only the files it tokenizes.
                        .streamingFolders();
        return OPEN.computeIfAbsent(new Key(request, split), ExecutorDataSets::open);
    }

    private static Images open(Key key) {
        ImageDataSet splits;
        try {
            splits = key.request().open();
        } catch (IOException e) {
            throw new ImageDataException(
                    "cannot read data set " + key.request().location() + ": " + e.getMessage(), e);
        }
        return key.split().equals("test") ? splits.test() : splits.train();
    }
}
