package dev.tessera.train.train;

import ai.djl.Device;

import dev.tessera.api.v1.TrainingSummary;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.train.data.SyntheticShapes;
import dev.tessera.train.eval.ReconstructionEvaluation;
import dev.tessera.train.export.ExportCheck;
import dev.tessera.train.export.TokenizerExporter;
import dev.tessera.train.model.TokenizerNetwork;
import dev.tessera.train.quantize.GmVqQuantizer;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** One whole run: make the data, train, evaluate on the held-out split, export and self-check. */
public final class TrainingJob {

    private static final int VALIDATION_IMAGES = 64;
    private static final int EVAL_BATCH = 256;

    private final TrainOptions options;
    private final Consumer<String> log;

    public TrainingJob(TrainOptions options, Consumer<String> log) {
        this.options = options;
        this.log = log;
    }

    /**
     * The result of a run.
     *
     * @param directory the tokenizer directory written
     * @param metrics held-out metrics, as recorded in the manifest
     * @param check the export self-check
     * @param history progress over training
     */
    public record Result(
            Path directory,
            Map<String, Double> metrics,
            ExportCheck check,
            TrainingHistory history) {}

    public Result run() throws IOException {
        SyntheticShapes shapes = new SyntheticShapes(options.architecture().imageHeight());
        ImageBatch train = shapes.generate(options.trainImages(), options.training().seed());
        ImageBatch test = shapes.generate(options.testImages(), options.testSeed());
        log.accept(
                String.format(
                        "data: synthetic shapes %dx%d, %d train images (seed %d),"
                                + " %d held-out (seed %d)",
                        train.height(),
                        train.width(),
                        train.count(),
                        options.training().seed(),
                        test.count(),
                        options.testSeed()));
        Device device = DeviceSelection.select(options.device(), log);
        TokenizerNetwork network = new TokenizerNetwork(options.architecture());
        GmVqQuantizer quantizer = new GmVqQuantizer(options.quantizer());
        logModel(network, quantizer);
        TokenizerTrainer trainer =
                new TokenizerTrainer(
                        network,
                        quantizer,
                        options.training(),
                        device,
                        progress -> log.accept(progress.format()));
        try (TrainedTokenizer model = trainer.train(train)) {
            log.accept(
                    String.format(
                            "trained in %.1f s; posterior variance sigma_q^2 = %.4g",
                            model.history().wallSeconds(), quantizer.posteriorVariance()));
            return evaluateAndExport(model, quantizer, train, test);
        }
    }

    private void logModel(TokenizerNetwork network, GmVqQuantizer quantizer) {
        log.accept(
                String.format(
                        "model: gmvq, K=%d, L=%d, grid %dx%d, encoder %,d / decoder %,d parameters;"
                                + " %d steps of %d",
                        quantizer.codebookSize(),
                        quantizer.codeDim(),
                        options.architecture().gridHeight(),
                        options.architecture().gridWidth(),
                        network.encoderParameterCount(),
                        network.decoderParameterCount(),
                        options.training().steps(),
                        options.training().batchSize()));
    }

    private Result evaluateAndExport(
            TrainedTokenizer model, GmVqQuantizer quantizer, ImageBatch train, ImageBatch test)
            throws IOException {
        Map<String, Double> metrics = new ReconstructionEvaluation(EVAL_BATCH).evaluate(model, test);
        TokenizerExporter.Description description =
                new TokenizerExporter.Description(
                        options.name(),
                        options.version(),
                        summary(model, quantizer, train),
                        metrics);
        ImageBatch validation = test.slice(0, Math.min(VALIDATION_IMAGES, test.count()));
        ExportCheck check =
                new TokenizerExporter(producerVersion())
                        .export(model, description, validation, options.out(), options.overwrite());
        log.accept("export check: " + check.summary());
        return new Result(options.out().toAbsolutePath().normalize(), metrics, check, model.history());
    }

    private TrainingSummary summary(
            TrainedTokenizer model, GmVqQuantizer quantizer, ImageBatch train) {
        Map<String, String> config = new LinkedHashMap<>();
        var arch = options.architecture();
        var gm = options.quantizer();
        config.put("width", String.valueOf(arch.width()));
        config.put("downsample", String.valueOf(arch.downsample()));
        config.put("residual_blocks", String.valueOf(arch.residualBlocks()));
        config.put("beta", String.valueOf(gm.beta()));
        config.put("gamma", String.valueOf(gm.gamma()));
        config.put("tau0", String.valueOf(gm.tau0()));
        config.put("tau_min", String.valueOf(gm.tauMin()));
        config.put("posterior_variance", String.valueOf(quantizer.posteriorVariance()));
        config.put(
                "posterior_variance_mode",
                gm.posteriorVariance() == 0 ? "estimated at init, fixed" : "fixed");
        config.put("noise_variance", String.valueOf(gm.noiseVariance()));
        config.put("gumbel", gm.straightThrough() ? "straight-through" : "soft");
        return TrainingSummary.newBuilder()
                .setData(
                        String.format(
                                "synthetic shapes %dx%d (seed %d, %d images)",
                                train.height(),
                                train.width(),
                                options.training().seed(),
                                train.count()))
                .setSteps(model.history().steps())
                .setSeed(options.training().seed())
                .setWallSeconds(model.history().wallSeconds())
                .setDevice(model.history().device())
                .setBatchSize(options.training().batchSize())
                .setLearningRate(options.training().learningRate())
                .putAllConfig(config)
                .setFinishedAt(Instant.now().toString())
                .build();
    }

    static String producerVersion() {
        String version = TrainingJob.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
