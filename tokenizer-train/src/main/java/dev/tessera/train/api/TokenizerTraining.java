package dev.tessera.train.api;

import dev.tessera.train.model.Architecture;
import dev.tessera.train.model.Backbone;
import dev.tessera.train.model.ConvBackbone;
import dev.tessera.train.pipeline.TrainOptions;
import dev.tessera.train.pipeline.TrainingJob;
import dev.tessera.train.quantize.GmVqConfig;
import dev.tessera.train.quantize.QuantizerConfig;
import dev.tessera.train.train.OptimizerConfig;
import dev.tessera.train.train.TrainConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * One training run of a tokenizer, from data to an exported tokenizer directory: what {@code
 * tessera train} does, for programs. Start from {@link #demo}, change what you need on the {@link
 * Builder}, then {@link #run}: it trains, evaluates on the test split, exports the ONNX encoder and
 * decoder with the self-check against the trained model, and writes the report.
 *
 * <p>Stable: the methods of this class and of its builder, and the meaning of each setting. The
 * values {@link #demo} starts from may change between versions (they keep the demo at about a
 * minute and a half on two CPU cores); set what your program relies on.
 */
public final class TokenizerTraining {

    private final TrainOptions options;

    private TokenizerTraining(TrainOptions options) {
        this.options = options;
    }

    /**
     * The setting of {@code tessera demo}, written to {@code out}: GM-VQ with K = 128 codes of
     * dimension 8, an 8×8 grid of tokens for 32×32 grey images of the built-in synthetic shapes
     * (8,192 to train on, 1,024 held out), 800 steps of 64 images on the device {@code auto}
     * finds, replacing an existing directory.
     */
    public static Builder demo(Path out) {
        return new Builder(TrainOptions.demo(out));
    }

    /** Optimisation steps of the run. */
    public int steps() {
        return options.training().steps();
    }

    /**
     * Seed of the synthetic held-out images: {@link ImageDataSet#syntheticShapes} with it draws
     * the images this run evaluates on and never trains on.
     */
    public long heldOutSeed() {
        return options.testSeed();
    }

    /** The tokenizer directory the run writes. */
    public Path directory() {
        return options.out();
    }

    /**
     * Trains, evaluates, exports and writes the report; {@code log} receives progress lines.
     *
     * @throws IOException when the data cannot be read or the directory cannot be written
     * @throws IllegalArgumentException when the settings do not fit the data
     */
    public TrainingOutcome run(Consumer<String> log) throws IOException {
        TrainingJob.Result r = new TrainingJob(options, log).run();
        return new TrainingOutcome(
                r.directory(),
                r.metrics(),
                r.history().steps(),
                r.imagesPerSecond(),
                r.check().passed(),
                r.check().matchingTokens(),
                r.check().totalTokens(),
                r.check().summary());
    }

    /** The job's options, for the API's own tests. */
    TrainOptions options() {
        return options;
    }

    /** The settings of a run; {@link #build} checks them together. */
    public static final class Builder {
        private String data;
        private int trainImages;
        private int testImages;
        private int channels;
        private int imageSize;
        private Backbone backbone;
        private QuantizerConfig quantizer;
        private int steps;
        private int batchSize;
        private double learningRate;
        private OptimizerConfig optimizer;
        private long seed;
        private int initBatches;
        private int logEvery;
        private String device;
        private final Path out;
        private String name;
        private String version;
        private boolean overwrite;

        private Builder(TrainOptions o) {
            Architecture a = o.architecture();
            TrainConfig t = o.training();
            data = o.data();
            trainImages = o.trainImages();
            testImages = o.testImages();
            channels = a.channels();
            imageSize = a.imageHeight();
            backbone = a.backbone();
            quantizer = o.quantizer();
            steps = t.steps();
            batchSize = t.batchSize();
            learningRate = t.learningRate();
            optimizer = t.optimizer();
            seed = t.seed();
            initBatches = t.initBatches();
            logEvery = t.logEvery();
            device = o.device();
            out = o.out();
            name = o.name();
            version = o.version();
            overwrite = o.overwrite();
        }

        /**
         * {@code synthetic} (the default) or a path whose format is detected: IDX (MNIST), .npy or
         * a folder of images. A data set's own images keep their size; the network adapts to it.
         */
        public Builder data(String location) {
            this.data = location;
            return this;
        }

        /** Numbers of synthetic training and held-out images. */
        public Builder syntheticImages(int train, int test) {
            this.trainImages = train;
            this.testImages = test;
            return this;
        }

        /** Side of the square synthetic images, in pixels; a multiple of the downsampling. */
        public Builder imageSize(int size) {
            this.imageSize = size;
            return this;
        }

        /**
         * The network: hidden {@code width}, {@code downsample} factor from pixels to the token
         * grid (a power of two) and {@code residualBlocks} at the grid's resolution.
         */
        public Builder network(int width, int downsample, int residualBlocks) {
            int depth = backbone instanceof ConvBackbone conv ? conv.depth() : 1;
            this.backbone = new ConvBackbone(width, downsample, residualBlocks, depth);
            return this;
        }

        /** GM-VQ, default settings, {@code codebookSize} codes of dimension {@code codeDim}. */
        public Builder gmVq(int codebookSize, int codeDim) {
            this.quantizer = GmVqConfig.defaults(codebookSize, codeDim);
            return this;
        }

        /** Optimisation steps. */
        public Builder steps(int steps) {
            this.steps = steps;
            return this;
        }

        /** Images per step. */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** AdamW's peak step size (after the warm-up, before the cosine decay). */
        public Builder learningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /** Seed of the weights, the batch order, the data split and the synthetic images. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Batches of encoder outputs the codebook's k-means initialisation sees. */
        public Builder initBatches(int batches) {
            this.initBatches = batches;
            return this;
        }

        /** Steps between progress lines. */
        public Builder logEvery(int steps) {
            this.logEvery = steps;
            return this;
        }

        /** {@code auto} (every GPU DJL sees, else the CPU), {@code cpu} or {@code gpu}. */
        public Builder device(String device) {
            this.device = device;
            return this;
        }

        /** The name and version written into the tokenizer's manifest. */
        public Builder name(String name, String version) {
            this.name = name;
            this.version = version;
            return this;
        }

        /** Whether an existing tokenizer directory is replaced; when false, the run refuses it. */
        public Builder overwrite(boolean overwrite) {
            this.overwrite = overwrite;
            return this;
        }

        /**
         * The run.
         *
         * @throws IllegalArgumentException when a setting is out of range or the settings do not
         *     fit together (for example an image size the downsampling does not divide)
         */
        public TokenizerTraining build() {
            Architecture architecture =
                    new Architecture(
                            channels, imageSize, imageSize, quantizer.codeDim(), backbone);
            TrainConfig training =
                    new TrainConfig(
                            steps,
                            batchSize,
                            optimizer.withLearningRate(learningRate),
                            seed,
                            initBatches,
                            logEvery);
            return new TokenizerTraining(
                    new TrainOptions(
                            data,
                            trainImages,
                            testImages,
                            architecture,
                            quantizer,
                            training,
                            device,
                            out,
                            name,
                            version,
                            overwrite));
        }
    }
}
