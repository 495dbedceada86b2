package dev.tessera.train.pipeline;

import ai.djl.Device;

import dev.tessera.api.v1.TrainingSummary;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.train.data.DataSplits;
import dev.tessera.train.data.Datasets;
import dev.tessera.train.data.ImageSource;
import dev.tessera.train.eval.ReconstructionEvaluation;
import dev.tessera.train.export.ExportCheck;
import dev.tessera.train.export.TokenizerExporter;
import dev.tessera.train.model.Architecture;
import dev.tessera.train.model.TokenizerNetwork;
import dev.tessera.train.quantize.GmVqConfig;
import dev.tessera.train.quantize.PosteriorVarianceMode;
import dev.tessera.train.quantize.Quantizer;
import dev.tessera.train.report.ReportData;
import dev.tessera.train.report.TrainingReport;
import dev.tessera.train.train.Checkpoint;
import dev.tessera.train.train.DeviceSelection;
import dev.tessera.train.train.EpochSummary;
import dev.tessera.train.train.PosteriorVarianceTrace;
import dev.tessera.train.train.TokenizerTrainer;
import dev.tessera.train.train.TrainConfig;
import dev.tessera.train.train.TrainedTokenizer;
import dev.tessera.train.train.TrainingHistory;
import dev.tessera.train.train.TrainingListener;
import dev.tessera.train.train.TrainingProgress;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One whole run: open the data, train (or continue from a checkpoint), evaluate on the test split,
 * export with the self-check and write the report.
 */
public final class TrainingJob {

    private static final int VALIDATION_IMAGES = 64;
    private static final int EVAL_BATCH = 256;
    private static final int REPORT_IMAGES = 8;

    private final TrainOptions options;
    private final Consumer<String> log;
    private final TrainingListener listener;

    /** A job that logs progress reports as lines. */
    public TrainingJob(TrainOptions options, Consumer<String> log) {
        this(
                options,
                log,
                new TrainingListener() {
                    @Override
                    public void progress(TrainingProgress progress) {
                        log.accept(progress.format());
                    }

                    @Override
                    public void epoch(EpochSummary summary) {
                        log.accept(summary.format());
                    }
                });
    }

    public TrainingJob(TrainOptions options, Consumer<String> log, TrainingListener listener) {
        this.options = options;
        this.log = log;
        this.listener = listener;
    }

    /**
     * The result of a run.
     *
     * @param directory the tokenizer directory written
     * @param metrics test-split metrics, as recorded in the manifest
     * @param check the export self-check
     * @param history progress over training
     * @param imagesPerSecond training throughput (images through a full training step per second)
     * @param architecture the network trained, sized for the data
     */
    public record Result(
            Path directory,
            Map<String, Double> metrics,
            ExportCheck check,
            TrainingHistory history,
            double imagesPerSecond,
            Architecture architecture) {}

    public Result run() throws IOException {
        return run(null);
    }

    /** Runs the job, continuing from {@code resume} when it is not null. */
    public Result run(Checkpoint resume) throws IOException {
        DataSplits data = Datasets.open(options.data(), options.dataOptions());
        log.accept("data: " + data.description());
        ImageSource train = data.train();
        Architecture arch =
                options.architecture().forImages(train.channels(), train.height(), train.width());
        TrainConfig training = trainConfig(train.count());
        List<Device> devices = DeviceSelection.selectAll(options.device(), log);
        TokenizerNetwork network = new TokenizerNetwork(arch);
        Quantizer quantizer = options.quantizer().create();
        logModel(network, quantizer, training, train.count());
        TokenizerTrainer trainer =
                new TokenizerTrainer(
                        network,
                        quantizer,
                        training,
                        devices,
                        listener,
                        options.checkpointDir(),
                        options.settings());
        if (resume != null) {
            log.accept(
                    resume.step() == resume.steps()
                            ? "the checkpoint in "
                                    + options.checkpointDir()
                                    + " holds a finished run: exporting it without training"
                            : "resuming at step "
                                    + resume.step()
                                    + " of "
                                    + resume.steps()
                                    + " from "
                                    + options.checkpointDir());
        }
        try (TrainedTokenizer model = trainer.train(train, resume)) {
            double imagesPerSecond = imagesPerSecond(model.history(), training, resume);
            log.accept(
                    String.format(
                            "trained in %.1f s (%.0f images/s)",
                            model.history().wallSeconds(), imagesPerSecond));
            if (train.skipped() > 0) {
                log.accept("skipped " + train.skipped() + " unreadable training files");
            }
            try {
                return evaluateAndExport(model, data, training, imagesPerSecond);
            } catch (IOException | RuntimeException | Error e) {
                keepTrainedParameters(model, e);
                throw e;
            }
        }
    }

    /**
     * Whatever fails after training (evaluation, the report, the export or its check) must not
     * lose the trained model: its parameters are on disk (the run's last checkpoint, or a
     * checkpoint written now) and the log says where, before the failure is reported.
     */
    private void keepTrainedParameters(TrainedTokenizer model, Throwable failure) {
        Path dir = options.checkpointDir();
        if (dir == null || !Checkpoint.exists(dir)) {
            dir = dir != null ? dir : Path.of(options.out() + ".checkpoints");
            try {
                TrainingHistory history = model.history();
                new Checkpoint(
                                history.steps(),
                                history.steps(),
                                history.wallSeconds(),
                                model.params().snapshot(),
                                model.params().bufferNames(),
                                0,
                                Map.of(),
                                history.reports(),
                                options.settings())
                        .save(dir, List.copyOf(model.params().arrays().keySet()));
            } catch (IOException | RuntimeException e) {
                failure.addSuppressed(e);
                log.accept("the trained parameters could not be kept: " + e.getMessage());
                return;
            }
        }
        Path where = dir.toAbsolutePath().normalize();
        log.accept(
                "the trained parameters are kept in "
                        + where
                        + "; once the cause below is fixed, export them without training again:"
                        + " tessera train --resume "
                        + where);
    }

    /** The step budget: whole epochs when {@code --epochs} is set. */
    TrainConfig trainConfig(int trainImages) {
        TrainConfig t = options.training();
        if (options.epochs() == 0) {
            return t;
        }
        int perEpoch = Math.max(1, trainImages / t.batchSize());
        int steps = Math.multiplyExact(options.epochs(), perEpoch);
        int logEvery = Math.max(1, Math.min(t.logEvery(), Math.max(1, steps / 200)));
        return t.withSteps(steps, logEvery);
    }

    private static double imagesPerSecond(
            TrainingHistory history, TrainConfig training, Checkpoint resume) {
        int stepsHere = history.steps() - (resume == null ? 0 : resume.step());
        double secondsHere = history.wallSeconds() - (resume == null ? 0 : resume.elapsedSeconds());
        if (stepsHere == 0) {
            // A finished run exported again: the rate of the run that trained it.
            stepsHere = history.steps();
            secondsHere = history.wallSeconds();
        }
        return secondsHere > 0 ? stepsHere * (double) training.batchSize() / secondsHere : 0;
    }

    private void logModel(
            TokenizerNetwork network, Quantizer quantizer, TrainConfig training, int images) {
        int perEpoch = Math.max(1, images / training.batchSize());
        log.accept(
                String.format(
                        "model: %s, K=%d, L=%d, grid %dx%d, encoder %,d / decoder %,d parameters;"
                                + " %d steps of %d images (%.1f epochs of %d steps)",
                        quantizer.kind(),
                        quantizer.codebookSize(),
                        quantizer.codeDim(),
                        network.architecture().gridHeight(),
                        network.architecture().gridWidth(),
                        network.encoderParameterCount(),
                        network.decoderParameterCount(),
                        training.steps(),
                        training.batchSize(),
                        training.steps() / (double) perEpoch,
                        perEpoch));
    }

    private Result evaluateAndExport(
            TrainedTokenizer model, DataSplits data, TrainConfig training, double imagesPerSecond)
            throws IOException {
        ImageSource test = data.test();
        ReconstructionEvaluation.Result eval =
                new ReconstructionEvaluation(EVAL_BATCH).evaluate(model, test);
        Map<String, Double> metrics = new LinkedHashMap<>(eval.metrics());
        metrics.put("train_images_per_second", imagesPerSecond);
        TrainingSummary summary = summary(model, data, training);
        TokenizerExporter.Description description =
                new TokenizerExporter.Description(
                        options.name(), options.version(), summary, metrics);
        ImageBatch validation = test.read(0, Math.min(VALIDATION_IMAGES, test.count()));
        ReportData report = report(model, metrics, summary, eval.codeCounts(), test);
        ExportCheck check =
                new TokenizerExporter(producerVersion())
                        .export(
                                model,
                                description,
                                validation,
                                options.out(),
                                options.overwrite(),
                                dir -> TrainingReport.write(dir, report, log));
        log.accept("export check: " + check.summary());
        return new Result(
                options.out().toAbsolutePath().normalize(),
                metrics,
                check,
                model.history(),
                imagesPerSecond,
                model.network().architecture());
    }

    private ReportData report(
            TrainedTokenizer model,
            Map<String, Double> metrics,
            TrainingSummary summary,
            long[] counts,
            ImageSource test) {
        ImageBatch originals = test.read(0, Math.min(REPORT_IMAGES, test.count()));
        TokenBatch tokens = model.encode(originals);
        float[] levels = model.decodeLevels(tokens);
        byte[] pixels = new byte[levels.length];
        for (int i = 0; i < levels.length; i++) {
            pixels[i] = (byte) (int) levels[i];
        }
        ImageBatch reconstructions =
                new ImageBatch(
                        originals.count(),
                        originals.channels(),
                        originals.height(),
                        originals.width(),
                        pixels);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("data", summary.getData());
        config.put("quantizer", model.quantizer().kind());
        config.put("steps", String.valueOf(summary.getSteps()));
        config.put("batch_size", String.valueOf(summary.getBatchSize()));
        config.put("learning_rate", String.valueOf(summary.getLearningRate()));
        config.put("seed", String.valueOf(summary.getSeed()));
        config.put("device", summary.getDevice());
        config.putAll(summary.getConfigMap());
        return new ReportData(
                options.name() + " " + options.version() + " (" + model.quantizer().kind() + ")",
                metrics,
                config,
                model.history().reports(),
                counts,
                originals,
                reconstructions);
    }

    private TrainingSummary summary(TrainedTokenizer model, DataSplits data, TrainConfig training) {
        Map<String, String> config = new LinkedHashMap<>();
        Architecture arch = model.network().architecture();
        config.putAll(arch.backbone().describe());
        config.putAll(training.optimizer().describe());
        config.putAll(model.quantizer().describe(model.params()));
        if (model.quantizer().config() instanceof GmVqConfig gmvq
                && (gmvq.posteriorVarianceMode() != PosteriorVarianceMode.FIXED
                        || gmvq.posteriorVarianceEnd() != 1)) {
            config.put(
                    PosteriorVarianceTrace.KEY,
                    PosteriorVarianceTrace.format(model.history().reports()));
        }
        return TrainingSummary.newBuilder()
                .setData(data.description())
                .setSteps(model.history().steps())
                .setSeed(training.seed())
                .setWallSeconds(model.history().wallSeconds())
                .setDevice(model.history().device())
                .setBatchSize(training.batchSize())
                .setLearningRate(training.learningRate())
                .putAllConfig(config)
                .setFinishedAt(Instant.now().toString())
                .build();
    }

    static String producerVersion() {
        String version = TrainingJob.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
