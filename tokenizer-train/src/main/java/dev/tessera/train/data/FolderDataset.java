package dev.tessera.train.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

/**
 * An image-folder data set: {@code train/} and {@code test/} subfolders as its own split, or one
 * folder split by hold-out. Inside either, class subfolders give the images their labels.
 */
final class FolderDataset {

    private FolderDataset() {}

    static DataSplits open(Path root, DataOptions options) throws IOException {
        Path trainDir = root.resolve("train");
        Path testDir = root.resolve("test");
        if (!hasImages(trainDir) || !hasImages(testDir)) {
            FolderListing listing = FolderListing.scan(root, null);
            ImageSource all = ImageFolder.open(listing, TargetShape.of(options), options);
            return HoldOutSplit.split(all, options.testFraction(), options.seed());
        }
        // Classes by name across both parts, so that a label means the same class in each.
        TreeSet<String> classes = new TreeSet<>(FolderListing.classNames(trainDir));
        classes.addAll(FolderListing.classNames(testDir));
        List<String> classList = List.copyOf(classes);
        ImageSource train =
                ImageFolder.open(
                        FolderListing.scan(trainDir, classList), TargetShape.of(options), options);
        TargetShape resolved =
                TargetShape.of(options).resolve(train.channels(), train.height(), train.width());
        ImageSource test =
                ImageFolder.open(FolderListing.scan(testDir, classList), resolved, options);
        return new DataSplits(
                train,
                test,
                "folder "
                        + root
                        + ": "
                        + train.count()
                        + " train, "
                        + test.count()
                        + " test"
                        + " (train/ and test/ subfolders)");
    }

    private static boolean hasImages(Path dir) throws IOException {
        return Files.isDirectory(dir) && FolderListing.containsImages(dir);
    }
}
