package dev.tessera.examples.generate;

import ai.djl.Device;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.train.api.Devices;
import dev.tessera.train.api.FrechetDistances;
import dev.tessera.train.api.ImageDataSet;
import dev.tessera.train.api.IndependentPositionPrior;
import dev.tessera.train.api.Seeds;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Tokenize → train a transformer prior → sample → decode → compare: the whole {@code tessera
 * generate} run. Both priors' samples are decoded by the same tokenizer, the same number of them,
 * and measured against the same test images.
 */
public final class GenerationPipeline {

    private static final long LABEL_STREAM = 0x1A8E1;
    private static final long INDEPENDENT_STREAM = 0x1DE9;
    private static final int FRECHET_BATCH = 500;

    /** Enough for an overfitting check; all 60,000 MNIST grids would take minutes on a CPU. */
    private static final int TRAIN_NLL_GRIDS = 2000;

    private final GenerateOptions options;
    private final Consumer<String> log;
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private long phaseStart;

    public GenerationPipeline(GenerateOptions options, Consumer<String> log) {
        this.options = options;
        this.log = log;
    }

    public GenerationResult run() throws IOException {
        phaseStart = System.nanoTime();
        Device device = Devices.select(options.device(), log);
        try (TokenCodec codec = openCodec()) {
            log.accept("tokenizer: " + codec.describe());
            ImageDataSet splits = dataRequest(codec).open();
            log.accept("data: " + splits.description());
            TokenGrids train = TokenGrids.encode(splits.train(), codec, options.trainLimit(), log);
            TokenGrids test = TokenGrids.encode(splits.test(), codec, options.testLimit(), log);
            phase("tokenize");
            GridShape shape = shape(codec, train);
            IndependentPositionPrior independent =
                    new IndependentPositionPrior(
                                    shape.codebookSize(), shape.height(), shape.width())
                            .add(train.tokens());
            try (TransformerPrior prior = obtainPrior(shape, device)) {
                PriorTrainer.Run training =
                        options.priorDir() == null ? trainPrior(prior, train) : null;
                GenerationResult.Likelihoods nll = likelihoods(prior, independent, train, test);
                return sampleAndCompare(
                        prior, independent, codec, splits, train, test, training, nll);
            }
        }
    }

    private TokenCodec openCodec() {
        return options.server() != null
                ? ServerCodec.connect(options.server(), options.modelName())
                : InProcessCodec.open(options.model());
    }

    private ImageDataSet.Request dataRequest(TokenCodec codec) {
        return ImageDataSet.at(options.data())
                .seed(options.prior().seed())
                .shape(codec.channels(), codec.imageHeight(), codec.imageWidth());
    }

    private GridShape shape(TokenCodec codec, TokenGrids train) {
        int classes = 0;
        if (options.classConditional()) {
            if (!train.labelled()) {
                throw new IllegalArgumentException(
                        "--class-conditional needs class labels, and the training images of "
                                + options.data()
                                + " have none; leave it out");
            }
            classes = train.classes();
        }
        return new GridShape(codec.codebookSize(), codec.gridHeight(), codec.gridWidth(), classes);
    }

    private TransformerPrior obtainPrior(GridShape shape, Device device) throws IOException {
        if (options.priorDir() == null) {
            return TransformerPrior.create(shape, options.prior(), device);
        }
        TransformerPrior prior = PriorFiles.load(options.priorDir(), device);
        if (!prior.shape().equals(shape)) {
            prior.close();
            throw new IllegalArgumentException(
                    "the prior in "
                            + options.priorDir()
                            + " models "
                            + prior.shape()
                            + ", but this tokenizer and data give "
                            + shape);
        }
        log.accept("prior: loaded from " + options.priorDir());
        return prior;
    }

    private PriorTrainer.Run trainPrior(TransformerPrior prior, TokenGrids train)
            throws IOException {
        PriorConfig c = prior.config();
        log.accept(
                String.format(
                        "prior: %d layers, width %d, %d heads, %,d parameters, %s; %d steps of %d"
                                + " grids (%.1f epochs)",
                        c.layers(),
                        c.width(),
                        c.heads(),
                        prior.parameterCount(),
                        prior.shape().conditional()
                                ? prior.shape().classes() + " classes"
                                : "unconditional",
                        c.steps(),
                        c.batchSize(),
                        (double) c.steps() * c.batchSize() / train.count()));
        PriorTrainer.Run run = new PriorTrainer(log).train(prior, train);
        phase("train");
        Path saved = options.out().resolve("prior");
        PriorFiles.save(prior, saved);
        log.accept(
                String.format(
                        "trained in %.0f s (%.2f steps/s); saved to %s",
                        run.seconds(), run.stepsPerSecond(), saved));
        return run;
    }

    private GenerationResult.Likelihoods likelihoods(
            TransformerPrior prior,
            IndependentPositionPrior independent,
            TokenGrids train,
            TokenGrids test) {
        int k = prior.shape().codebookSize();
        GenerationResult.Likelihoods nll =
                new GenerationResult.Likelihoods(
                        PriorEvaluation.nllPerToken(prior, train.first(TRAIN_NLL_GRIDS), true),
                        PriorEvaluation.nllPerToken(prior, test, true),
                        prior.shape().conditional()
                                ? PriorEvaluation.nllPerToken(prior, test, false)
                                : Double.NaN,
                        PriorEvaluation.nllPerToken(independent, test, k));
        phase("evaluate");
        return nll;
    }

    private GenerationResult sampleAndCompare(
            TransformerPrior prior,
            IndependentPositionPrior independentPrior,
            TokenCodec codec,
            ImageDataSet splits,
            TokenGrids train,
            TokenGrids test,
            PriorTrainer.Run training,
            GenerationResult.Likelihoods nll)
            throws IOException {
        int n = options.samples();
        int[] labels = sampleLabels(prior.shape(), train, n);
        log.accept("sampling " + n + " grids from the transformer and the independent prior");
        TokenBatch transformer = new GridSampler(prior, options.sampling()).sample(labels);
        TokenBatch independent =
                independentPrior.sample(
                        n, Seeds.mix(options.sampling().seed(), INDEPENDENT_STREAM, 0));
        phase("sample");
        ImageBatch transformerImages = codec.decode(transformer);
        ImageBatch independentImages = codec.decode(independent);
        ImageBatch reconstructions = codec.decode(test.tokens());
        phase("decode");
        FrechetDistances reference =
                FrechetDistances.from(
                        splits.test(), test.count(), FrechetDistances.COMPONENTS, FRECHET_BATCH);
        GenerationResult.Distances frechet =
                new GenerationResult.Distances(
                        reference.to(transformerImages),
                        reference.to(independentImages),
                        reference.to(reconstructions),
                        n);
        phase("frechet");
        new SampleSheets(options.out()).write(prior, options.sampling(), independentImages, codec);
        phase("png");
        return new GenerationResult(
                prior.shape(),
                prior.config(),
                prior.parameterCount(),
                training,
                nll,
                frechet,
                transformer,
                labels,
                transformerImages,
                seconds);
    }

    /**
     * A class per sample, drawn from the training grids' class frequencies so that the samples
     * follow the data's mix of classes; all -1 for an unconditional prior.
     */
    private int[] sampleLabels(GridShape shape, TokenGrids train, int n) {
        int[] labels = new int[n];
        SplittableRandom random =
                new SplittableRandom(Seeds.mix(options.sampling().seed(), LABEL_STREAM, 0));
        for (int i = 0; i < n; i++) {
            labels[i] = shape.conditional() ? train.label(random.nextInt(train.count())) : -1;
        }
        return labels;
    }

    private void phase(String name) {
        long now = System.nanoTime();
        seconds.merge(name, (now - phaseStart) / 1e9, Double::sum);
        phaseStart = now;
    }
}
