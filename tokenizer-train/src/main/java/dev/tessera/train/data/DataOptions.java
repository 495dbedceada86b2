package dev.tessera.train.data;

import java.util.Objects;

/**
 * How a data set is opened: the image shape to bring every image to, the train/test split and what
 * to do with unreadable files.
 *
 * @param imageHeight target height in pixels, or 0 to keep the images' own size
 * @param imageWidth target width in pixels, or 0 to keep the images' own size (0 exactly when
 *     {@code imageHeight} is 0)
 * @param channels 1 (grayscale) or 3 (RGB) to convert every image to, or 0 to keep the data set's
 *     own channels
 * @param resize how images of another size are brought to the target size
 * @param testFraction share of the images held out for testing when the data set has no split of
 *     its own, in (0, 1)
 * @param seed seed of the hold-out split and of the synthetic images
 * @param skipBadFiles skip and count unreadable image files instead of failing
 * @param inMemoryLimitBytes image folders whose decoded size exceeds this are streamed from disk
 * @param syntheticTrainImages number of synthetic training images
 * @param syntheticTestImages number of synthetic test images
 * @param syntheticSize side of the synthetic images in pixels
 */
public record DataOptions(
        int imageHeight,
        int imageWidth,
        int channels,
        ResizeMode resize,
        double testFraction,
        long seed,
        boolean skipBadFiles,
        long inMemoryLimitBytes,
        int syntheticTrainImages,
        int syntheticTestImages,
        int syntheticSize) {

    /** Validates every field; messages name the command-line flag a user would change. */
    public DataOptions {
        if (imageHeight < 0 || imageWidth < 0 || (imageHeight == 0) != (imageWidth == 0)) {
            throw new IllegalArgumentException(
                    "--image-size must be two positive numbers (or 0 to keep the images' own"
                            + " size), got "
                            + imageHeight
                            + "x"
                            + imageWidth);
        }
        if (channels != 0 && channels != 1 && channels != 3) {
            throw new IllegalArgumentException(
                    "--channels must be 1 (grayscale), 3 (RGB) or 0 (keep), got " + channels);
        }
        Objects.requireNonNull(resize, "resize");
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException(
                    "--test-fraction must lie strictly between 0 and 1, got " + testFraction);
        }
        if (inMemoryLimitBytes < 0) {
            throw new IllegalArgumentException(
                    "the in-memory limit must not be negative, got " + inMemoryLimitBytes);
        }
        if (syntheticTrainImages < 1 || syntheticTestImages < 1) {
            throw new IllegalArgumentException(
                    "synthetic image counts must be positive, got "
                            + syntheticTrainImages
                            + " train and "
                            + syntheticTestImages
                            + " test");
        }
        if (syntheticSize < 8) {
            throw new IllegalArgumentException(
                    "synthetic images must be at least 8 pixels wide, got " + syntheticSize);
        }
    }

    /**
     * Native size and channels, resize, 10% hold-out, fail on bad files, stream folders larger than
     * a quarter of the maximum heap, 8192/1024 synthetic images of 32×32.
     */
    public static DataOptions defaults(long seed) {
        return new DataOptions(
                0,
                0,
                0,
                ResizeMode.RESIZE,
                0.1,
                seed,
                false,
                Runtime.getRuntime().maxMemory() / 4,
                8192,
                1024,
                SyntheticShapes.SIZE);
    }

    /** The same options with target size {@code height × width} (0, 0: the images' own size). */
    public DataOptions withImageSize(int height, int width) {
        return new DataOptions(
                height,
                width,
                channels,
                resize,
                testFraction,
                seed,
                skipBadFiles,
                inMemoryLimitBytes,
                syntheticTrainImages,
                syntheticTestImages,
                syntheticSize);
    }

    /** The same options with {@code channels} (0, 1 or 3). */
    public DataOptions withChannels(int channels) {
        return new DataOptions(
                imageHeight,
                imageWidth,
                channels,
                resize,
                testFraction,
                seed,
                skipBadFiles,
                inMemoryLimitBytes,
                syntheticTrainImages,
                syntheticTestImages,
                syntheticSize);
    }

    /** The same options with resize mode {@code resize}. */
    public DataOptions withResize(ResizeMode resize) {
        return new DataOptions(
                imageHeight,
                imageWidth,
                channels,
                resize,
                testFraction,
                seed,
                skipBadFiles,
                inMemoryLimitBytes,
                syntheticTrainImages,
                syntheticTestImages,
                syntheticSize);
    }

    /** The same options with hold-out fraction {@code testFraction}. */
    public DataOptions withTestFraction(double testFraction) {
        return new DataOptions(
                imageHeight,
                imageWidth,
                channels,
                resize,
                testFraction,
                seed,
                skipBadFiles,
                inMemoryLimitBytes,
                syntheticTrainImages,
                syntheticTestImages,
                syntheticSize);
    }

    /** The same options with {@code seed}. */
    public DataOptions withSeed(long seed) {
        return new DataOptions(
                imageHeight,
                imageWidth,
                channels,
                resize,
                testFraction,
                seed,
                skipBadFiles,
                inMemoryLimitBytes,
                syntheticTrainImages,
                syntheticTestImages,
                syntheticSize);
    }

    /** The same options, skipping unreadable files when {@code skipBadFiles} is true. */
    public DataOptions withSkipBadFiles(boolean skipBadFiles) {
        return new DataOptions(
                imageHeight,
                imageWidth,
                channels,
                resize,
                testFraction,
                seed,
                skipBadFiles,
                inMemoryLimitBytes,
                syntheticTrainImages,
                syntheticTestImages,
                syntheticSize);
    }

    /** The same options with in-memory limit {@code bytes}; 0 streams every image folder. */
    public DataOptions withInMemoryLimitBytes(long bytes) {
        return new DataOptions(
                imageHeight,
                imageWidth,
                channels,
                resize,
                testFraction,
                seed,
                skipBadFiles,
                bytes,
                syntheticTrainImages,
                syntheticTestImages,
                syntheticSize);
    }

    /**
     * The same options with {@code train} and {@code test} synthetic images of side {@code size}.
     */
    public DataOptions withSynthetic(int train, int test, int size) {
        return new DataOptions(
                imageHeight,
                imageWidth,
                channels,
                resize,
                testFraction,
                seed,
                skipBadFiles,
                inMemoryLimitBytes,
                train,
                test,
                size);
    }
}
