package dev.tessera.train.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.train.data.ImageSource;
import dev.tessera.train.model.ParameterSet;
import dev.tessera.train.model.Scalars;
import dev.tessera.train.model.TokenizerNetwork;
import dev.tessera.train.quantize.Codebook;
import dev.tessera.train.quantize.GmVqQuantizer;
import dev.tessera.train.quantize.Quantizer;
import dev.tessera.train.quantize.QuantizerStep;

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
 * plus the quantizer's own loss, with Adam. Codebooks start from the first batches' encoder
 * outputs. Epochs are seeded permutations of the data; every random draw of a step (batch, Gumbel
 * and noise samples, code resets) is seeded from the run's seed and the step number, so on the CPU
 * a run is deterministic and a run resumed from a checkpoint ends with the same parameters as an
 * uninterrupted one.
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
            Adam adam = new Adam(config.learningRate());
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
        if (resume.step() >= config.steps()) {
            throw new IllegalArgumentException(
                    "the checkpoint is at step "
                            + resume.step()
                            + " of "
                            + config.steps()
                            + ": that run had already finished");
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
        int total = 0;
        for (int b = 0; b < config.initBatches(); b++) {
            int[] indices = new int[config.batchSize()];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = random.nextInt(data.count());
            }
            try (NDManager scratch = params.manager().newSubManager()) {
                NDArray pixels = TrainedTokenizer.toArray(scratch, data.read(indices));
                NDArray zHat =
                        network.encode(params, TokenizerNetwork.normalize(pixels)).stopGradient();
                float[] rows = Codebook.flattenPositions(zHat).toFloatArray();
                batches.add(rows);
                total += rows.length;
            }
        }
        float[] rows = new float[total];
        int offset = 0;
        for (float[] b : batches) {
            System.arraycopy(b, 0, rows, offset, b.length);
            offset += b.length;
        }
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
        for (int step = startStep + 1; step <= config.steps(); step++) {
            double progress = (step - 1) / (double) Math.max(1, config.steps() - 1);
            Engine.getEngine("PyTorch")
                    .setRandomSeed((int) Seeds.mix(config.seed(), ENGINE_STREAM, step));
            StepResult result =
                    step(
                            params,
                            adam,
                            data.read(schedule.indices(step)),
                            progress,
                            step,
                            lastCheckpoint);
            if (quantizer.updatesAfterStep()) {
                quantizer.afterStep(
                        params,
                        result.rows(),
                        result.tokens(),
                        new SplittableRandom(Seeds.mix(config.seed(), QUANTIZER_STREAM, step)));
            }
            window.add(result.loss(), result.mse(), result.tokens());
            epochWindow.add(result.loss(), result.mse(), result.tokens());
            boolean epochEnd = step % perEpoch == 0 || step == config.steps();
            double elapsed = elapsedBefore + (System.nanoTime() - start) / 1e9;
            if (step % config.logEvery() == 0 || epochEnd) {
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
            }
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
        history.finish(
                elapsedBefore + (System.nanoTime() - start) / 1e9,
                devices.size() == 1 ? devices.get(0).toString() : devices.toString());
    }

    /**
     * What a step, or one shard of it, gives back, copied off the device: mean loss and
     * reconstruction error, the codes, and the encoder outputs when the quantizer needs them after
     * the step (else null).
     */
    private record StepResult(double loss, double mse, int[] tokens, float[] rows) {}

    private StepResult step(
            ParameterSet params,
            Adam adam,
            ImageBatch batch,
            double progress,
            int step,
            Path lastCheckpoint) {
        try (NDManager scratch = params.manager().newSubManager()) {
            params.arrays().values().forEach(a -> a.tempAttach(scratch));
            adam.state().forEach(a -> a.tempAttach(scratch));
            int shards = devices.size();
            int shardSize = batch.count() / shards;
            double loss = 0;
            double mse = 0;
            int[][] tokens = new int[shards][];
            float[][] rows = new float[shards][];
            List<ParameterSet> replicas = new ArrayList<>();
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                for (int i = 0; i < shards; i++) {
                    // Shard 0 trains the parameters themselves; the others train copies on their
                    // own devices, whose gradients are summed into the parameters' below.
                    NDManager shardManager =
                            i == 0 ? scratch : scratch.newSubManager(devices.get(i));
                    ParameterSet replica = i == 0 ? params : params.replicate(shardManager);
                    replicas.add(replica);
                    ImageBatch shard = batch.slice(i * shardSize, (i + 1) * shardSize);
                    StepResult r =
                            forwardBackward(
                                    collector,
                                    replica,
                                    shardManager,
                                    shard,
                                    progress,
                                    step,
                                    shards,
                                    lastCheckpoint);
                    loss += r.loss() / shards;
                    mse += r.mse() / shards;
                    tokens[i] = r.tokens();
                    rows[i] = r.rows();
                }
            }
            for (int i = 1; i < shards; i++) {
                addGradients(params, replicas.get(i));
            }
            adam.update(params, scratch);
            return new StepResult(loss, mse, concat(tokens), rows[0] == null ? null : concat(rows));
        }
    }

    private StepResult forwardBackward(
            GradientCollector collector,
            ParameterSet params,
            NDManager manager,
            ImageBatch shard,
            double progress,
            int step,
            int shards,
            Path lastCheckpoint) {
        NDArray pixels = TrainedTokenizer.toArray(manager, shard);
        NDArray target = pixels.toType(DataType.FLOAT32, false).div(255f);
        NDArray zHat = network.encode(params, TokenizerNetwork.normalize(pixels));
        QuantizerStep q = quantizer.trainStep(params, zHat, progress);
        NDArray mse = network.decode(params, q.codes()).sub(target).square().mean();
        NDArray loss = mse.add(q.loss());
        float[] values = {loss.getFloat(), mse.getFloat()};
        if (!Float.isFinite(values[0])) {
            throw new TrainingDivergedException(step, describeTerms(values[1], q), lastCheckpoint);
        }
        // Each shard's mean loss weighs 1/shards, so the summed gradients are those of the
        // whole batch's mean.
        collector.backward(shards == 1 ? loss : loss.div(Scalars.like(loss, shards)));
        int[] tokens = q.tokens().toType(DataType.INT32, false).toIntArray();
        float[] rows =
                quantizer.updatesAfterStep()
                        ? Codebook.flattenPositions(zHat).stopGradient().toFloatArray()
                        : null;
        return new StepResult(values[0], values[1], tokens, rows);
    }

    private static void addGradients(ParameterSet params, ParameterSet replica) {
        params.arrays()
                .forEach(
                        (name, array) -> {
                            if (array.hasGradient()) {
                                NDArray grad = replica.get(name).getGradient();
                                array.getGradient().addi(grad.toDevice(array.getDevice(), false));
                            }
                        });
    }

    private static int[] concat(int[][] parts) {
        int total = 0;
        for (int[] p : parts) {
            total += p.length;
        }
        int[] out = new int[total];
        int offset = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, offset, p.length);
            offset += p.length;
        }
        return out;
    }

    private static float[] concat(float[][] parts) {
        int total = 0;
        for (float[] p : parts) {
            total += p.length;
        }
        float[] out = new float[total];
        int offset = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, offset, p.length);
            offset += p.length;
        }
        return out;
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

    private static String describeTerms(float mse, QuantizerStep q) {
        StringBuilder terms = new StringBuilder("reconstruction mse ").append(mse);
        q.terms()
                .forEach(
                        (name, value) ->
                                terms.append(", ")
                                        .append(name)
                                        .append(' ')
                                        .append(value.getFloat()));
        return terms.toString();
    }
}
