package dev.tessera.train.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.train.data.ImageSource;
import dev.tessera.train.model.ParameterSet;
import dev.tessera.train.model.TokenizerNetwork;
import dev.tessera.train.quantize.Codebook;
import dev.tessera.train.quantize.GmVqQuantizer;
import dev.tessera.train.quantize.Quantizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Trains a tokenizer: encoder, quantizer and decoder together, minimising the reconstruction error
 * plus the quantizer's own loss, with AdamW on a warm-up and cosine learning-rate schedule.
 * Codebooks start from the first batches' encoder outputs. Epochs are seeded permutations of the
 * data; every random draw of a step (batch, Gumbel and noise samples, code resets) is seeded from
 * the run's seed and the step number, so on the CPU a run is deterministic and a run resumed from a
 * checkpoint ends with the same parameters as an uninterrupted one.
 */
public final class TokenizerTrainer {

    private static final long INIT_STREAM = 0x1417;
    private static final long ENGINE_STREAM = 0xE4E;
    private static final long QUANTIZER_STREAM = 0x9A47;

    private final TokenizerNetwork network;
    private final Quantizer quantizer;
    private final TrainConfig config;
    private final List<Device> devices;
    private final TrainingListener listener;
    private final Path checkpointDir;
    private final Map<String, String> settings;
    private StepProfile profile = StepProfile.off();

    public TokenizerTrainer(
            TokenizerNetwork network,
            Quantizer quantizer,
            TrainConfig config,
            Device device,
            Consumer<TrainingProgress> listener) {
        this(network, quantizer, config, List.of(device), progressOnly(listener), null, Map.of());
    }

    /**
     * @param devices where to train: one device, or several for data-parallel training (the batch
     *     is split evenly across them; the parameters and the optimiser live on the first)
     * @param checkpointDir where a checkpoint is written at the end of every epoch; null for none
     * @param settings the run's settings, stored in checkpoints for {@code --resume}
     */
    public TokenizerTrainer(
            TokenizerNetwork network,
            Quantizer quantizer,
            TrainConfig config,
            List<Device> devices,
            TrainingListener listener,
            Path checkpointDir,
            Map<String, String> settings) {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("no device to train on");
        }
        if (config.batchSize() % devices.size() != 0) {
            throw new IllegalArgumentException(
                    "the batch size "
                            + config.batchSize()
                            + " does not split evenly across "
                            + devices.size()
                            + " devices; use a multiple of "
                            + devices.size());
        }
        if (network.architecture().codeDim() != quantizer.codeDim()) {
            throw new IllegalArgumentException(
                    "encoder code dimension "
                            + network.architecture().codeDim()
                            + " differs from the quantizer's "
                            + quantizer.codeDim());
        }
        this.network = network;
        this.quantizer = quantizer;
        this.config = config;
        this.devices = List.copyOf(devices);
        this.listener = listener;
        this.checkpointDir = checkpointDir;
        this.settings = Map.copyOf(settings);
    }

    /**
     * Times every step phase by phase into {@code profile} (see {@link StepProfile}); a profiled
     * run waits for the device at every phase boundary and is slower.
     */
    public TokenizerTrainer profiled(StepProfile profile) {
        this.profile = profile;
        return this;
    }

    private static TrainingListener progressOnly(Consumer<TrainingProgress> consumer) {
        return new TrainingListener() {
            @Override
            public void progress(TrainingProgress progress) {
                consumer.accept(progress);
            }
        };
    }

    /** Trains on images held in memory. */
    public TrainedTokenizer train(ImageBatch data) {
        return train(new dev.tessera.train.data.InMemoryImages(data, null, "images"), null);
    }

    /**
     * Trains on {@code data}, from scratch or, when {@code resume} is given, from that checkpoint;
     * the caller closes the result.
     */
    public TrainedTokenizer train(ImageSource data, Checkpoint resume) {
        checkData(data);
        NDManager manager = NDManager.newBaseManager(devices.get(0));
        try {
            ParameterSet params = new ParameterSet(manager);
            Adam adam = new Adam(config.optimizer(), network.decayedParameters());
            TrainingHistory history = new TrainingHistory();
            int startStep = 0;
            double elapsedBefore = 0;
            if (resume == null) {
                Engine.getEngine("PyTorch").setRandomSeed((int) config.seed());
                network.initParameters(params, config.seed());
                initQuantizer(params, data);
            } else {
                checkResumable(resume);
                params.load(resume.params(), resume.buffers());
                quantizer.restore(params);
                adam.restore(resume.adamStep(), resume.adamMoments(), manager);
                resume.history().forEach(history::add);
                startStep = resume.step();
                elapsedBefore = resume.elapsedSeconds();
            }
            runSteps(params, adam, data, history, startStep, elapsedBefore);
            return new TrainedTokenizer(network, quantizer, params, history);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private void checkResumable(Checkpoint resume) {
        if (resume.steps() != config.steps()) {
            throw new IllegalArgumentException(
                    "the checkpoint belongs to a run of "
                            + resume.steps()
                            + " steps, this one has "
                            + config.steps());
        }
        if (resume.step() > config.steps()) {
            throw new IllegalArgumentException(
                    "the checkpoint is at step "
                            + resume.step()
                            + " of "
                            + config.steps()
                            + ": it does not belong to this run");
        }
    }

    private void checkData(ImageSource data) {
        var arch = network.architecture();
        if (data.channels() != arch.channels()
                || data.height() != arch.imageHeight()
                || data.width() != arch.imageWidth()) {
            throw new IllegalArgumentException(
                    String.format(
                            "training images are %dx%dx%d (CxHxW) but the architecture expects"
                                    + " %dx%dx%d",
                            data.channels(),
                            data.height(),
                            data.width(),
                            arch.channels(),
                            arch.imageHeight(),
                            arch.imageWidth()));
        }
    }

    private void initQuantizer(ParameterSet params, ImageSource data) {
        if (!quantizer.initFromEncoderOutputs()) {
            quantizer.initParameters(params, new float[0], config.seed());
            return;
        }
        SplittableRandom random = new SplittableRandom(Seeds.mix(config.seed(), INIT_STREAM, 0));
        List<float[]> batches = new ArrayList<>();
        for (int b = 0; b < config.initBatches(); b++) {
            int[] indices = new int[config.batchSize()];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = random.nextInt(data.count());
            }
            try (NDManager scratch = params.manager().newSubManager()) {
                NDArray pixels = TrainedTokenizer.toArray(scratch, data.read(indices));
                NDArray zHat =
                        network.encode(params, TokenizerNetwork.normalize(pixels)).stopGradient();
                batches.add(Codebook.flattenPositions(zHat).toFloatArray());
            }
        }
        float[] rows = StepRunner.concat(batches.toArray(float[][]::new));
        if (rows.length / quantizer.codeDim() < quantizer.codebookSize()) {
            throw new IllegalArgumentException(
                    "codebook initialisation sees "
                            + rows.length / quantizer.codeDim()
                            + " encoder outputs, fewer than the "
                            + quantizer.codebookSize()
                            + " codes; raise the batch size or the number of init batches");
        }
        quantizer.initParameters(params, rows, config.seed());
    }

    private void runSteps(
            ParameterSet params,
            Adam adam,
            ImageSource data,
            TrainingHistory history,
            int startStep,
            double elapsedBefore) {
        BatchSchedule schedule = new BatchSchedule(data.count(), config.batchSize(), config.seed());
        int perEpoch = schedule.stepsPerEpoch();
        int epochs = (config.steps() + perEpoch - 1) / perEpoch;
        WindowStats window = new WindowStats(quantizer.codebookSize());
        WindowStats epochWindow = new WindowStats(quantizer.codebookSize());
        long start = System.nanoTime();
        long epochStart = start;
        Path lastCheckpoint =
                checkpointDir != null && Checkpoint.exists(checkpointDir) ? checkpointDir : null;
        try (StepStats stats = new StepStats(params.manager(), quantizer.codebookSize());
                BatchPrefetcher batches =
                        new BatchPrefetcher(
                                data, schedule, params.manager(), devices, config.steps());
                StepRunner runner = new StepRunner(network, quantizer, devices, profile)) {
            for (int step = startStep + 1; step <= config.steps(); step++) {
                double progress = (step - 1) / (double) Math.max(1, config.steps() - 1);
                Engine.getEngine("PyTorch")
                        .setRandomSeed((int) Seeds.mix(config.seed(), ENGINE_STREAM, step));
                int stepNumber = step;
                StepRunner.HostResult result =
                        runner.step(
                                params,
                                batches,
                                step,
                                progress,
                                stats,
                                scratch -> update(params, adam, scratch, stepNumber));
                if (quantizer.updatesAfterStep()) {
                    quantizer.afterStep(
                            params,
                            result.rows(),
                            result.tokens(),
                            new SplittableRandom(
                                    Seeds.mix(config.seed(), QUANTIZER_STREAM, step)));
                }
                boolean epochEnd = step % perEpoch == 0 || step == config.steps();
                if (step % config.logEvery() != 0 && !epochEnd) {
                    continue;
                }
                // The values of the steps since the last report, read in one transfer.
                StepStats.Window steps = stats.read();
                int bad = steps.firstNonFinite();
                if (bad >= 0) {
                    throw new TrainingDivergedException(
                            steps.steps()[bad], steps.describeTerms(bad), lastCheckpoint);
                }
                window.add(steps);
                epochWindow.add(steps);
                double elapsed = elapsedBefore + (System.nanoTime() - start) / 1e9;
                TrainingProgress report =
                        window.report(
                                step,
                                config.steps(),
                                quantizer.temperature(progress),
                                elapsed,
                                quantizer instanceof GmVqQuantizer gmvq
                                        ? gmvq.posteriorVariance(params, progress)
                                        : Double.NaN);
                history.add(report);
                listener.progress(report);
                window.reset();
                if (epochEnd) {
                    long now = System.nanoTime();
                    listener.epoch(
                            new EpochSummary(
                                    (step - 1) / perEpoch + 1,
                                    epochs,
                                    step,
                                    epochWindow.meanLoss(),
                                    epochWindow.meanMse(),
                                    epochWindow.usage(),
                                    (now - epochStart) / 1e9,
                                    quantizer.describe(params)));
                    epochWindow.reset();
                    epochStart = now;
                    if (checkpointDir != null) {
                        saveCheckpoint(params, adam, history, step, elapsed);
                        lastCheckpoint = checkpointDir;
                    }
                }
            }
        }
        history.finish(
                elapsedBefore + (System.nanoTime() - start) / 1e9,
                devices.size() == 1 ? devices.get(0).toString() : devices.toString());
    }

    /**
     * The AdamW update at the schedule's learning rate for {@code step}, with the gradients first
     * clipped to the configured global norm (on the device).
     */
    private void update(ParameterSet params, Adam adam, NDManager scratch, int step) {
        adam.state().forEach(a -> a.tempAttach(scratch));
        OptimizerConfig optimizer = config.optimizer();
        GradientClipping.clip(params, optimizer.clipGradNorm());
        adam.update(params, scratch, optimizer.learningRate(step, config.steps()));
    }

    private void saveCheckpoint(
            ParameterSet params, Adam adam, TrainingHistory history, int step, double elapsed) {
        Checkpoint checkpoint =
                new Checkpoint(
                        step,
                        config.steps(),
                        elapsed,
                        params.snapshot(),
                        params.bufferNames(),
                        adam.step(),
                        adam.snapshot(),
                        history.reports(),
                        settings);
        try {
            checkpoint.save(checkpointDir, List.copyOf(params.arrays().keySet()));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write the checkpoint into " + checkpointDir + ": " + e.getMessage(), e);
        }
        listener.checkpoint(checkpointDir, step);
    }
}
