package dev.tessera.train.data;

import dev.tessera.runtime.ImageBatch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * An IDX (MNIST-format) data set: a directory with {@code train-images-idx3-ubyte[.gz]}, optionally
 * {@code t10k-images-idx3-ubyte[.gz]} as its test split and {@code *-labels-idx1-ubyte[.gz]} with
 * the labels; or a single images file, split by hold-out.
 */
final class IdxDataset {

    private static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    private static final String TEST_IMAGES = "t10k-images-idx3-ubyte";

    private IdxDataset() {}

    /** Whether {@code dir} holds IDX image files of the MNIST naming. */
    static boolean isIdxDirectory(Path dir) {
        return find(dir, TRAIN_IMAGES).isPresent() || find(dir, TEST_IMAGES).isPresent();
    }

    /** Whether {@code file} is named like an IDX images file. */
    static boolean isImagesFile(Path file) {
        return file.getFileName().toString().contains("idx3-ubyte");
    }

    /** The train and t10k files of {@code dir}; without t10k, a hold-out of the train file. */
    static DataSplits openDirectory(Path dir, DataOptions options) {
        Path trainFile =
                find(dir, TRAIN_IMAGES)
                        .orElseThrow(
                                () ->
                                        new DataException(
                                                dir
                                                        + " has "
                                                        + TEST_IMAGES
                                                        + " but no "
                                                        + TRAIN_IMAGES
                                                        + "[.gz]; an IDX data set needs its"
                                                        + " training images"));
        ImageSource train = load(trainFile, TargetShape.of(options));
        Optional<Path> testFile = find(dir, TEST_IMAGES);
        if (testFile.isEmpty()) {
            return HoldOutSplit.split(train, options.testFraction(), options.seed());
        }
        TargetShape resolved =
                TargetShape.of(options).resolve(train.channels(), train.height(), train.width());
        ImageSource test = load(testFile.get(), resolved);
        return new DataSplits(
                train,
                test,
                "IDX " + dir + ": " + train.count() + " train, " + test.count() + " test (t10k)");
    }

    /** One images file, split by hold-out. */
    static DataSplits openFile(Path file, DataOptions options) {
        ImageSource all = load(file, TargetShape.of(options));
        return HoldOutSplit.split(all, options.testFraction(), options.seed());
    }

    /** The images of {@code imagesFile} with the labels of its sibling labels file, if any. */
    private static ImageSource load(Path imagesFile, TargetShape target) {
        ImageBatch raw = IdxReader.readImages(imagesFile);
        ImageBatch images =
                target.resolve(raw.channels(), raw.height(), raw.width())
                        .conform(raw, imagesFile.toString());
        Optional<Path> labelsFile = labelsFor(imagesFile);
        int[] labels = null;
        if (labelsFile.isPresent()) {
            labels = IdxReader.readLabels(labelsFile.get());
            if (labels.length != images.count()) {
                throw new DataException(
                        String.format(
                                "%s holds %d labels but %s holds %d images; they must match",
                                labelsFile.get(), labels.length, imagesFile, images.count()));
            }
        }
        String description =
                String.format(
                        "IDX %s: %d images %dx%dx%d%s",
                        imagesFile,
                        images.count(),
                        images.channels(),
                        images.height(),
                        images.width(),
                        labelsFile.map(l -> ", labels from " + l.getFileName()).orElse(""));
        return new InMemoryImages(images, labels, description);
    }

    /** {@code x-images-idx3-ubyte[.gz]} → {@code x-labels-idx1-ubyte[.gz]} beside it. */
    private static Optional<Path> labelsFor(Path imagesFile) {
        String name = imagesFile.getFileName().toString();
        if (!name.contains("images")) {
            return Optional.empty();
        }
        String stem = name.replace("images", "labels").replace("idx3", "idx1");
        if (stem.endsWith(".gz")) {
            stem = stem.substring(0, stem.length() - 3);
        }
        Path dir = imagesFile.toAbsolutePath().getParent();
        return find(dir, stem).map(p -> imagesFile.resolveSibling(p.getFileName()));
    }

    /** {@code name} or {@code name.gz} in {@code dir}, the uncompressed one first. */
    private static Optional<Path> find(Path dir, String name) {
        for (String candidate : new String[] {name, name + ".gz"}) {
            Path file = dir.resolve(candidate);
            if (Files.isRegularFile(file)) {
                return Optional.of(file);
            }
        }
        return Optional.empty();
    }
}
