package dev.tessera.train.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import dev.tessera.train.model.Scalars;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * What every step reports (loss, reconstruction error, the quantizer's unweighted terms, the codes
 * it chose), kept where it was computed until a progress report needs it, then brought to the host
 * in one transfer. A host read is a synchronisation: on a GPU, reading the loss of every step would
 * make the host wait for the device once per step and leave the device idle while the host queues
 * the next one.
 *
 * <p>Code usage is counted on the device (a one-hot sum per step) when the steps run on a GPU; on
 * the CPU reading the codes costs nothing and the one-hot matrix would, so they are read there.
 */
final class StepStats implements AutoCloseable {

    /** The values of the steps since the last read, on the host. */
    record Window(int[] steps, float[][] values, List<String> termNames, BitSet used) {

        double loss(int i) {
            return values[i][0];
        }

        double mse(int i) {
            return values[i][1];
        }

        int size() {
            return steps.length;
        }

        /** The first step whose loss is NaN or infinite; -1 when every loss is finite. */
        int firstNonFinite() {
            for (int i = 0; i < steps.length; i++) {
                if (!Double.isFinite(loss(i))) {
                    return i;
                }
            }
            return -1;
        }

        /** "reconstruction mse …, distance …" of the {@code i}-th step, for a divergence report. */
        String describeTerms(int i) {
            StringBuilder terms = new StringBuilder("reconstruction mse ").append(values[i][1]);
            for (int t = 0; t < termNames.size(); t++) {
                terms.append(", ").append(termNames.get(t)).append(' ').append(values[i][2 + t]);
            }
            return terms.toString();
        }
    }

    private final NDManager manager;
    private final int codebookSize;
    private final boolean countOnDevice;
    private final List<NDArray> rows = new ArrayList<>();
    private final List<Integer> steps = new ArrayList<>();
    private final BitSet hostUsed = new BitSet();
    private List<String> termNames = List.of();
    private NDArray counts;

    /**
     * @param owner the manager of the device the values are gathered on (the first device)
     */
    StepStats(NDManager owner, int codebookSize) {
        this(owner, codebookSize, owner.getDevice().isGpu());
    }

    /** With {@code countOnDevice} chosen, so a test can run the device path on the CPU. */
    StepStats(NDManager owner, int codebookSize, boolean countOnDevice) {
        this.manager = owner.newSubManager();
        this.codebookSize = codebookSize;
        this.countOnDevice = countOnDevice;
    }

    /**
     * What one step, or one shard of a data-parallel step, computed: scalar arrays and the hard
     * code of every position, on the shard's device.
     */
    record Values(NDArray loss, NDArray mse, Map<String, NDArray> terms, NDArray tokens) {}

    /**
     * Keeps the values of step {@code step}, one per shard. The row kept is the mean over the
     * shards, as the loss of the whole batch is.
     */
    void record(int step, List<Values> shards) {
        termNames = List.copyOf(shards.get(0).terms().keySet());
        NDArray row = null;
        for (Values shard : shards) {
            NDList scalars = new NDList(shard.loss(), shard.mse());
            scalars.addAll(shard.terms().values());
            NDList flat = new NDList();
            scalars.forEach(v -> flat.add(v.stopGradient().reshape(1)));
            NDArray shardRow = NDArrays.concat(flat).toDevice(manager.getDevice(), false);
            row = row == null ? shardRow : row.add(shardRow);
            count(shard.tokens());
        }
        if (shards.size() > 1) {
            row = row.div(Scalars.like(row, shards.size()));
        }
        row.attach(manager);
        rows.add(row);
        steps.add(step);
    }

    private void count(NDArray tokens) {
        if (!countOnDevice) {
            for (int id : tokens.toType(DataType.INT32, false).toIntArray()) {
                hostUsed.set(id);
            }
            return;
        }
        NDArray stepCounts =
                tokens.reshape(-1)
                        .oneHot(codebookSize)
                        .sum(new int[] {0})
                        .toDevice(manager.getDevice(), false);
        if (counts == null) {
            counts = stepCounts;
            counts.attach(manager);
        } else {
            counts.addi(stepCounts);
        }
    }

    /** Brings the values recorded since the last call to the host and starts a new window. */
    Window read() {
        float[][] values = new float[rows.size()][];
        if (!rows.isEmpty()) {
            try (NDManager scratch = manager.newSubManager()) {
                rows.forEach(r -> r.attach(scratch));
                NDArray all = NDArrays.stack(new NDList(rows));
                int width = (int) all.getShape().get(1);
                float[] flat = all.toFloatArray();
                for (int i = 0; i < values.length; i++) {
                    values[i] = Arrays.copyOfRange(flat, i * width, (i + 1) * width);
                }
            }
        }
        BitSet used = (BitSet) hostUsed.clone();
        if (counts != null) {
            float[] c = counts.toFloatArray();
            for (int k = 0; k < c.length; k++) {
                if (c[k] > 0) {
                    used.set(k);
                }
            }
            counts.close();
            counts = null;
        }
        int[] stepNumbers = steps.stream().mapToInt(Integer::intValue).toArray();
        rows.clear();
        steps.clear();
        hostUsed.clear();
        return new Window(stepNumbers, values, termNames, used);
    }

    @Override
    public void close() {
        manager.close();
    }
}
