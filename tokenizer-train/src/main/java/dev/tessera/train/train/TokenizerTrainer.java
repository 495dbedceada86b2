package dev.tessera.train.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.train.model.ParameterSet;
import dev.tessera.train.model.TokenizerNetwork;
import dev.tessera.train.quantize.Codebook;
import dev.tessera.train.quantize.Quantizer;
import dev.tessera.train.quantize.QuantizerStep;

import java.util.BitSet;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Trains a tokenizer: encoder, quantizer and decoder together, minimising the reconstruction error
 * plus the quantizer's own loss, with Adam. The codebook starts from k-means on the first batches'
 * encoder outputs. Deterministic for a given seed on the CPU.
 */
public final class TokenizerTrainer {

    private final TokenizerNetwork network;
    private final Quantizer quantizer;
    private final TrainConfig config;
    private final Device device;
    private final Consumer<TrainingProgress> listener;

    public TokenizerTrainer(
            TokenizerNetwork network,
            Quantizer quantizer,
            TrainConfig config,
            Device device,
            Consumer<TrainingProgress> listener) {
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
        this.device = device;
        this.listener = listener;
    }

    /** Trains on {@code data} and returns the result; the caller closes it. */
    public TrainedTokenizer train(ImageBatch data) {
        checkData(data);
        Engine.getEngine("PyTorch").setRandomSeed((int) config.seed());
        NDManager manager = NDManager.newBaseManager(device);
        try {
            ParameterSet params = new ParameterSet(manager);
            network.initParameters(params, config.seed());
            SplittableRandom batches = new SplittableRandom(config.seed() ^ 0x5DEECE66DL);
            initCodebook(params, data, batches);
            TrainingHistory history = runSteps(params, data, batches);
            return new TrainedTokenizer(network, quantizer, params, history);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private void checkData(ImageBatch data) {
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

    private void initCodebook(ParameterSet params, ImageBatch data, SplittableRandom batches) {
        int rowsPerBatch =
                config.batchSize()
                        * network.architecture().gridHeight()
                        * network.architecture().gridWidth();
        int codeDim = quantizer.codeDim();
        float[] rows = new float[config.initBatches() * rowsPerBatch * codeDim];
        for (int b = 0; b < config.initBatches(); b++) {
            try (NDManager scratch = params.manager().newSubManager()) {
                NDArray pixels = TrainedTokenizer.toArray(scratch, sample(data, batches));
                NDArray zHat =
                        network.encode(params, TokenizerNetwork.normalize(pixels)).stopGradient();
                float[] batchRows = Codebook.flattenPositions(zHat).toFloatArray();
                System.arraycopy(batchRows, 0, rows, b * batchRows.length, batchRows.length);
            }
        }
        if (rows.length / codeDim < quantizer.codebookSize()) {
            throw new IllegalArgumentException(
                    "k-means initialisation sees "
                            + rows.length / codeDim
                            + " encoder outputs, fewer than the "
                            + quantizer.codebookSize()
                            + " codes; raise the batch size or the number of init batches");
        }
        quantizer.initParameters(params, rows, config.seed());
    }

    private TrainingHistory runSteps(
            ParameterSet params, ImageBatch data, SplittableRandom batches) {
        Adam adam = new Adam(config.learningRate());
        TrainingHistory history = new TrainingHistory();
        WindowStats window = new WindowStats(quantizer.codebookSize());
        long start = System.nanoTime();
        for (int step = 1; step <= config.steps(); step++) {
            double progress = (step - 1) / (double) Math.max(1, config.steps() - 1);
            try (NDManager scratch = params.manager().newSubManager()) {
                params.arrays().values().forEach(a -> a.tempAttach(scratch));
                adam.state().forEach(a -> a.tempAttach(scratch));
                NDArray pixels = TrainedTokenizer.toArray(scratch, sample(data, batches));
                float[] values;
                int[] tokens;
                try (GradientCollector collector =
                        Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray target = pixels.toType(DataType.FLOAT32, false).div(255f);
                    NDArray zHat = network.encode(params, TokenizerNetwork.normalize(pixels));
                    QuantizerStep q = quantizer.trainStep(params, zHat, progress);
                    NDArray mse = network.decode(params, q.codes()).sub(target).square().mean();
                    NDArray loss = mse.add(q.loss());
                    values = new float[] {loss.getFloat(), mse.getFloat()};
                    if (!Float.isFinite(values[0])) {
                        throw new TrainingDivergedException(step, describeTerms(values[1], q));
                    }
                    collector.backward(loss);
                    tokens = q.tokens().toType(DataType.INT32, false).toIntArray();
                }
                adam.update(params, scratch);
                window.add(values[0], values[1], tokens);
            }
            if (step % config.logEvery() == 0 || step == config.steps()) {
                double elapsed = (System.nanoTime() - start) / 1e9;
                TrainingProgress report =
                        window.report(
                                step, config.steps(), quantizer.temperature(progress), elapsed);
                history.add(report);
                listener.accept(report);
                window.reset();
            }
        }
        history.finish((System.nanoTime() - start) / 1e9, device.toString());
        return history;
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

    private ImageBatch sample(ImageBatch data, SplittableRandom random) {
        int imageBytes = data.channels() * data.height() * data.width();
        byte[] pixels = new byte[config.batchSize() * imageBytes];
        for (int i = 0; i < config.batchSize(); i++) {
            int index = random.nextInt(data.count());
            System.arraycopy(data.pixels(), index * imageBytes, pixels, i * imageBytes, imageBytes);
        }
        return new ImageBatch(
                config.batchSize(), data.channels(), data.height(), data.width(), pixels);
    }

    /** Running sums between two progress reports. */
    private static final class WindowStats {
        private final BitSet used;
        private final int codebookSize;
        private double loss;
        private double mse;
        private int steps;

        WindowStats(int codebookSize) {
            this.codebookSize = codebookSize;
            this.used = new BitSet(codebookSize);
        }

        void add(double stepLoss, double stepMse, int[] tokens) {
            loss += stepLoss;
            mse += stepMse;
            steps++;
            for (int t : tokens) {
                used.set(t);
            }
        }

        TrainingProgress report(int step, int totalSteps, double temperature, double elapsed) {
            return new TrainingProgress(
                    step,
                    totalSteps,
                    loss / steps,
                    mse / steps,
                    used.cardinality() / (double) codebookSize,
                    temperature,
                    elapsed);
        }

        void reset() {
            used.clear();
            loss = 0;
            mse = 0;
            steps = 0;
        }
    }
}
