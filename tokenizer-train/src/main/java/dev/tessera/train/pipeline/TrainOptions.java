package dev.tessera.train.pipeline;

import dev.tessera.train.data.DataOptions;
import dev.tessera.train.model.Architecture;
import dev.tessera.train.quantize.GmVqConfig;
import dev.tessera.train.quantize.QuantizerConfig;
import dev.tessera.train.train.TrainConfig;

import java.nio.file.Path;
import java.util.Map;

/**
 * Everything a training run needs: data, architecture, quantizer, optimisation, output. Defaults
 * are those of {@code tessera train}; {@link #demo} is the small setting {@code tessera demo} uses.
 *
 * @param data {@code synthetic} or a path whose format is detected (see {@link
 *     dev.tessera.train.data.Datasets})
 * @param dataOptions image size, channels, split and error handling of the data
 * @param architecture the network; its image size and channels are replaced by the data's
 * @param quantizer the quantizer's kind and settings
 * @param training optimisation settings; {@code training.steps()} is the budget unless {@code
 *     epochs} is set
 * @param epochs passes over the training split (0: use {@code training.steps()})
 * @param device auto, cpu or gpu
 * @param out tokenizer directory to write
 * @param checkpointDir where a checkpoint is written after every epoch; null for none
 * @param settings the settings as given (command-line flags), stored in checkpoints and the
 *     manifest
 */
public record TrainOptions(
        String data,
        DataOptions dataOptions,
        Architecture architecture,
        QuantizerConfig quantizer,
        TrainConfig training,
        int epochs,
        String device,
        Path out,
        String name,
        String version,
        boolean overwrite,
        Path checkpointDir,
        Map<String, String> settings) {

    public static final int DEFAULT_TRAIN_IMAGES = 8192;
    public static final int DEFAULT_TEST_IMAGES = 1024;

    public TrainOptions {
        if (data == null || data.isBlank()) {
            throw new IllegalArgumentException("--data is required: synthetic or a path");
        }
        if (architecture.codeDim() != quantizer.codeDim()) {
            throw new IllegalArgumentException(
                    "architecture code dimension "
                            + architecture.codeDim()
                            + " differs from the quantizer's "
                            + quantizer.codeDim());
        }
        if (epochs < 0) {
            throw new IllegalArgumentException("--epochs must be positive, got " + epochs);
        }
        if (name == null || name.isBlank() || version == null || version.isBlank()) {
            throw new IllegalArgumentException("--name and --version must not be blank");
        }
        settings = settings == null ? Map.of() : Map.copyOf(settings);
    }

    /** A run on the built-in synthetic set with the step budget of {@code training}. */
    public TrainOptions(
            String data,
            int trainImages,
            int testImages,
            Architecture architecture,
            QuantizerConfig quantizer,
            TrainConfig training,
            String device,
            Path out,
            String name,
            String version,
            boolean overwrite) {
        this(
                data,
                DataOptions.defaults(training.seed())
                        .withSynthetic(trainImages, testImages, architecture.imageHeight()),
                architecture,
                quantizer,
                training,
                0,
                device,
                out,
                name,
                version,
                overwrite,
                null,
                Map.of());
    }

    /** Synthetic training images (used when {@code data} is synthetic). */
    public int trainImages() {
        return dataOptions.syntheticTrainImages();
    }

    /** Synthetic held-out images (used when {@code data} is synthetic). */
    public int testImages() {
        return dataOptions.syntheticTestImages();
    }

    /** Seed of the synthetic held-out split: a generator stream apart from the training images'. */
    public long testSeed() {
        return dataOptions.seed() + 1;
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
