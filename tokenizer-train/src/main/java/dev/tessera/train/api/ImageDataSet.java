package dev.tessera.train.api;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.train.data.DataException;
import dev.tessera.train.data.DataOptions;
import dev.tessera.train.data.DataSplits;
import dev.tessera.train.data.Datasets;
import dev.tessera.train.data.SyntheticShapes;

import java.io.IOException;

/**
 * A data set of images, opened with the trainer's readers and split into training and test images
 * as {@code tessera train} splits it: {@code synthetic} (the built-in shapes), an IDX data set
 * such as MNIST, a {@code .npy} array or a folder of image files. A data set without a split of
 * its own is split by a seeded hold-out of 10%.
 *
 * <pre>{@code
 * ImageDataSet data = ImageDataSet.at("data/mnist").seed(7).shape(1, 28, 28).open();
 * Images train = data.train();
 * }</pre>
 *
 * <p>Stable: the methods of this class and of {@link Request}; the formats recognised may grow.
 */
public final class ImageDataSet {

    private final Images train;
    private final Images test;
    private final String description;

    private ImageDataSet(DataSplits splits) {
        this.train = new Images(splits.train());
        this.test = new Images(splits.test());
        this.description = splits.description();
    }

    /** A request for the data set at {@code location}: its own image shape, seed 0, in memory. */
    public static Request at(String location) {
        return new Request(location, 0, 0, 0, 0, false);
    }

    /**
     * {@code count} 32×32 grey images of the built-in synthetic shapes; the same seed gives the
     * same images.
     */
    public static ImageBatch syntheticShapes(int count, long seed) {
        return new SyntheticShapes().generate(count, seed);
    }

    /** The images to train on. */
    public Images train() {
        return train;
    }

    /** The held-out images, never trained on. */
    public Images test() {
        return test;
    }

    /** One line for logs: where the data came from and how it was split. */
    public String description() {
        return description;
    }

    /**
     * Where a data set is and how to bring its images to one shape. Equal requests open equal data
     * sets, so a request can key a cache of open ones.
     *
     * @param location {@code synthetic} or a path
     * @param seed seed of the hold-out split and of the synthetic images
     * @param channels 1 (grey) or 3 (RGB) to convert every image to, 0 to keep the data's own
     * @param height target height in pixels, 0 to keep the images' own size
     * @param width target width in pixels, 0 exactly when {@code height} is 0
     * @param streamFolders decode the files of an image folder when they are read rather than when
     *     the data set opens (reads cost more, opening costs nothing)
     */
    public record Request(
            String location,
            long seed,
            int channels,
            int height,
            int width,
            boolean streamFolders) {

        /** The same request with seed {@code seed}. */
        public Request seed(long seed) {
            return new Request(location, seed, channels, height, width, streamFolders);
        }

        /** The same request with every image brought to {@code channels × height × width}. */
        public Request shape(int channels, int height, int width) {
            return new Request(location, seed, channels, height, width, streamFolders);
        }

        /** The same request with image folders streamed from disk. */
        public Request streamingFolders() {
            return new Request(location, seed, channels, height, width, true);
        }

        /**
         * Opens the data set.
         *
         * @throws IOException when the files cannot be read
         * @throws ImageDataException when they are not a data set of a known format, or their
         *     images cannot be brought to the requested shape
         * @throws IllegalArgumentException when the shape is not a valid one
         */
        public ImageDataSet open() throws IOException {
            DataOptions options =
                    DataOptions.defaults(seed).withImageSize(height, width).withChannels(channels);
            if (streamFolders) {
                options = options.withInMemoryLimitBytes(0);
            }
            try {
                return new ImageDataSet(Datasets.open(location, options));
            } catch (DataException e) {
                throw new ImageDataException(e.getMessage(), e);
            }
        }
    }
}
