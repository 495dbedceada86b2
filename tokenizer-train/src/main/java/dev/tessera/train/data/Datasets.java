package dev.tessera.train.data;

import dev.tessera.runtime.ImageBatch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Opens the data set named by {@code --data}, detecting its format: {@code synthetic} (the built-in
 * {@link SyntheticShapes}), a directory of IDX files (MNIST format), a {@code .npy} array or a
 * directory with {@code train.npy}, or a folder of PNG/JPEG images.
 */
public final class Datasets {

    private static final String FORMATS =
            "pass a directory with train-images-idx3-ubyte[.gz] (IDX/MNIST), an IDX images file,"
                    + " a .npy file or a directory with train.npy, a folder of PNG/JPEG images, or"
                    + " 'synthetic'";

    private Datasets() {}

    /**
     * The train and test splits of the data set {@code spec}, every image brought to the shape the
     * options ask for.
     *
     * @param spec a path, or {@code synthetic}
     * @throws DataException if nothing at {@code spec} is a data set this project reads, or a file
     *     of it is corrupt; the message names the path
     * @throws IOException if a directory cannot be listed
     */
    public static DataSplits open(String spec, DataOptions options) throws IOException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(options, "options");
        if (spec.isBlank()) {
            throw new IllegalArgumentException("--data is empty; " + FORMATS);
        }
        if (spec.equals("synthetic")) {
            return synthetic(options);
        }
        Path path;
        try {
            path = Path.of(spec);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(
                    "--data '" + spec + "' is not a valid path: " + e.getMessage(), e);
        }
        if (!Files.exists(path)) {
            throw new DataException("data path " + path + " does not exist; " + FORMATS);
        }
        if (Files.isDirectory(path)) {
            return openDirectory(path, options);
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".npy")) {
            return NpyDataset.open(path, options);
        }
        if (IdxDataset.isImagesFile(path)) {
            return IdxDataset.openFile(path, options);
        }
        throw new DataException(
                "data file "
                        + path
                        + " is neither a .npy array nor an IDX images file (*-images-idx3-ubyte"
                        + "[.gz]); "
                        + FORMATS);
    }

    private static DataSplits openDirectory(Path dir, DataOptions options) throws IOException {
        if (IdxDataset.isIdxDirectory(dir)) {
            return IdxDataset.openDirectory(dir, options);
        }
        if (NpyDataset.isNpyDirectory(dir)) {
            return NpyDataset.open(dir, options);
        }
        if (FolderListing.containsImages(dir)) {
            return FolderDataset.open(dir, options);
        }
        throw new DataException(
                "data directory "
                        + dir
                        + " holds no IDX files, no train.npy and no PNG, JPEG, BMP or GIF images; "
                        + FORMATS);
    }

    /** Train images from the seed, test images from seed + 1, so the two never coincide. */
    private static DataSplits synthetic(DataOptions options) {
        // --channels 3 draws coloured shapes (not gray ones copied into three channels).
        SyntheticShapes shapes =
                new SyntheticShapes(options.syntheticSize(), options.channels() == 3 ? 3 : 1);
        ImageBatch train = shapes.generate(options.syntheticTrainImages(), options.seed());
        ImageBatch test = shapes.generate(options.syntheticTestImages(), options.seed() + 1);
        TargetShape target =
                TargetShape.of(options).resolve(train.channels(), train.height(), train.width());
        train = target.conform(train, "synthetic");
        test = target.conform(test, "synthetic");
        String shape = target.format();
        return new DataSplits(
                new InMemoryImages(
                        train,
                        null,
                        "synthetic shapes (seed "
                                + options.seed()
                                + "): "
                                + train.count()
                                + " images "
                                + shape),
                new InMemoryImages(
                        test,
                        null,
                        "synthetic shapes (seed "
                                + (options.seed() + 1)
                                + "): "
                                + test.count()
                                + " images "
                                + shape),
                String.format(
                        "synthetic shapes: %d train (seed %d), %d test (seed %d), %s",
                        train.count(), options.seed(), test.count(), options.seed() + 1, shape));
    }
}
