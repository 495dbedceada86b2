package dev.tessera.train.cli;

import dev.tessera.cli.CommandLines;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.train.data.DataOptions;
import dev.tessera.train.data.DataSplits;
import dev.tessera.train.data.Datasets;
import dev.tessera.train.data.ResizeMode;
import dev.tessera.train.pipeline.TrainOptions;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.Locale;

/**
 * How a command reads a data set ({@code @Mixin}), the same for {@code train}, {@code eval}, {@code
 * analyze}, {@code compare} and {@code sweep}: {@code --data} and how its images are sized, split
 * and skipped. Its refusals name the command passed in: a mixin inside another mixin cannot tell
 * which command it is part of.
 */
public final class DataSettings {

    @Option(
            names = "--data",
            paramLabel = "PATH|synthetic",
            description =
                    "IDX directory or file (.gz or raw), image folder (PNG/JPEG, class subfolders,"
                            + " train/ and test/ splits), .npy array, or the built-in synthetic"
                            + " shapes (tessera train's default: synthetic)")
    private String data;

    @Option(
            names = "--image-size",
            paramLabel = "N|HxW",
            description = "resize every image to this size (default: the data's own)")
    private String imageSize;

    @Option(
            names = "--channels",
            paramLabel = "1|3",
            description = "convert to grayscale or RGB (default: the data's own)")
    private Integer channels;

    @Option(
            names = "--resize",
            paramLabel = "resize|crop",
            description = "how other sizes are fitted (default resize)")
    private String resize = "resize";

    @Option(
            names = "--test-fraction",
            paramLabel = "F",
            description = "hold-out share when the data has no split (default ${DEFAULT-VALUE})")
    private double testFraction = 0.1;

    @Option(
            names = "--skip-bad-files",
            description = "skip and count unreadable files instead of stopping")
    private boolean skipBadFiles;

    @Option(
            names = "--train-images",
            paramLabel = "N",
            description = "synthetic training images (default ${DEFAULT-VALUE})")
    private int trainImages = TrainOptions.DEFAULT_TRAIN_IMAGES;

    @Option(
            names = "--test-images",
            paramLabel = "N",
            description = "synthetic test images (default ${DEFAULT-VALUE})")
    private int testImages = TrainOptions.DEFAULT_TEST_IMAGES;

    /** {@code --data}, or null when it is not given. */
    String data() {
        return data;
    }

    /**
     * How to read the data, with {@code seed} for the hold-out split and the synthetic images.
     *
     * @param command the command whose line is wrong if a value is
     * @throws picocli.CommandLine.ParameterException naming the option whose value is wrong
     */
    DataOptions options(CommandSpec command, long seed) {
        DataOptions options = DataOptions.defaults(seed);
        if (imageSize != null) {
            int[] hw = imageSize(command, imageSize);
            options = options.withImageSize(hw[0], hw[1]);
        }
        options = options.withChannels(channels == null ? 0 : channels);
        String mode = resize.toLowerCase(Locale.ROOT);
        options =
                options.withResize(
                        switch (mode) {
                            case "resize" -> ResizeMode.RESIZE;
                            case "crop", "center-crop" -> ResizeMode.CENTER_CROP;
                            default ->
                                    throw CommandLines.usageError(
                                            command,
                                            "--resize must be resize or crop, got '" + mode + "'");
                        });
        options = options.withTestFraction(testFraction).withSkipBadFiles(skipBadFiles);
        int size = options.imageHeight() > 0 ? options.imageHeight() : 32;
        return options.withSynthetic(trainImages, testImages, size);
    }

    /**
     * The data set, read at the tokenizer's image size and channels unless the options say
     * otherwise.
     */
    DataSplits openFor(CommandSpec command, Tokenizer tokenizer, long seed) throws IOException {
        DataOptions options = options(command, seed);
        if (imageSize == null) {
            options = options.withImageSize(tokenizer.imageHeight(), tokenizer.imageWidth());
        }
        if (channels == null) {
            options = options.withChannels(tokenizer.channels());
        }
        return Datasets.open(data, options);
    }

    /** "28" or "28x28". */
    private static int[] imageSize(CommandSpec command, String value) {
        // Limit -1 keeps a trailing empty part, so "32x" is an error rather than 32x32.
        String[] parts = value.toLowerCase(Locale.ROOT).split("x", -1);
        try {
            if (parts.length == 1) {
                int s = Integer.parseInt(parts[0].trim());
                return new int[] {s, s};
            }
            if (parts.length == 2) {
                return new int[] {
                    Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())
                };
            }
        } catch (NumberFormatException e) {
            // falls through to the usage error
        }
        throw CommandLines.usageError(
                command, "--image-size must be N or HxW, e.g. 32 or 32x48; got '" + value + "'");
    }
}
