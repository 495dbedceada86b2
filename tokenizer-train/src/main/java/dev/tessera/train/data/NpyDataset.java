package dev.tessera.train.data;

import dev.tessera.runtime.ImageBatch;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@code .npy} data set: a directory with {@code train.npy} and optionally {@code test.npy} (its
 * own split), or a single array file, split by hold-out.
 */
final class NpyDataset {

    private NpyDataset() {}

    /** Whether {@code dir} holds a {@code train.npy}. */
    static boolean isNpyDirectory(Path dir) {
        return Files.isRegularFile(dir.resolve("train.npy"));
    }

    /** The arrays of {@code path}, a directory with train.npy [test.npy] or one .npy file. */
    static DataSplits open(Path path, DataOptions options) {
        TargetShape target = TargetShape.of(options);
        if (!Files.isDirectory(path)) {
            return HoldOutSplit.split(load(path, target), options.testFraction(), options.seed());
        }
        ImageSource train = load(path.resolve("train.npy"), target);
        Path testFile = path.resolve("test.npy");
        if (!Files.isRegularFile(testFile)) {
            return HoldOutSplit.split(train, options.testFraction(), options.seed());
        }
        ImageSource test =
                load(testFile, target.resolve(train.channels(), train.height(), train.width()));
        return new DataSplits(
                train,
                test,
                "npy " + path + ": " + train.count() + " train, " + test.count() + " test");
    }

    private static ImageSource load(Path file, TargetShape target) {
        ImageBatch raw = NpyImages.read(file);
        ImageBatch images =
                target.resolve(raw.channels(), raw.height(), raw.width())
                        .conform(raw, file.toString());
        return new InMemoryImages(
                images,
                null,
                String.format(
                        "npy %s: %d images %dx%dx%d",
                        file, images.count(), images.channels(), images.height(), images.width()));
    }
}
