package dev.tessera.train.data;

import java.util.Objects;

/**
 * The train and test parts of a data set.
 *
 * @param train images to train on
 * @param test held-out images, never trained on
 * @param description one line for logs: where the data came from and how it was split
 */
public record DataSplits(ImageSource train, ImageSource test, String description) {

    /** Checks that both parts hold images of the same shape. */
    public DataSplits {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(description, "description");
        if (train.channels() != test.channels()
                || train.height() != test.height()
                || train.width() != test.width()) {
            throw new IllegalArgumentException(
                    "train and test images differ in shape: "
                            + shape(train)
                            + " vs "
                            + shape(test));
        }
    }

    private static String shape(ImageSource s) {
        return s.channels() + "x" + s.height() + "x" + s.width();
    }
}
