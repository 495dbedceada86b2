package dev.tessera.train.train;

import dev.tessera.train.model.Architecture;
import dev.tessera.train.quantize.GmVqConfig;

import java.nio.file.Path;

/**
 * Everything a training run needs: data, architecture, quantizer, optimisation, output. Defaults
 * are those of {@code tessera train}; {@link #demo} is the small setting {@code tessera demo} uses.
 */
public record TrainOptions(
        String data,
        int trainImages,
        int testImages,
        Architecture architecture,
        GmVqConfig quantizer,
        TrainConfig training,
        String device,
        Path out,
        String name,
        String version,
        boolean overwrite) {

    public static final int DEFAULT_TRAIN_IMAGES = 8192;
    public static final int DEFAULT_TEST_IMAGES = 1024;

    public TrainOptions {
        if (!"synthetic".equals(data)) {
            throw new IllegalArgumentException(
                    "--data: this version trains on the built-in synthetic set only "
                            + "(--data synthetic); got '"
                            + data
                            + "'");
        }
        if (trainImages < 1 || testImages < 1) {
            throw new IllegalArgumentException("train and test image counts must be positive");
        }
        if (architecture.codeDim() != quantizer.codeDim()) {
            throw new IllegalArgumentException(
                    "architecture code dimension "
                            + architecture.codeDim()
                            + " differs from the quantizer's "
                            + quantizer.codeDim());
        }
        if (name == null || name.isBlank() || version == null || version.isBlank()) {
            throw new IllegalArgumentException("--name and --version must not be blank");
        }
    }

    /** Seed of the held-out split: a generator stream apart from the training images'. */
    public long testSeed() {
        return training.seed() + 1;
    }

    /**
     * The small, fast setting of the demo: about a minute and a half of training on two CPU cores.
     */
    public static TrainOptions demo(Path out) {
        int codeDim = 8;
        return new TrainOptions(
                "synthetic",
                DEFAULT_TRAIN_IMAGES,
                DEFAULT_TEST_IMAGES,
                new Architecture(1, 32, 32, 32, 4, codeDim, 1),
                GmVqConfig.defaults(128, codeDim),
                new TrainConfig(800, 64, 2e-3, 7, 4, 40),
                "auto",
                out,
                "synthetic-shapes",
                "1",
                true);
    }
}
