package dev.tessera.train.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import dev.tessera.train.model.FloatTensor;
import dev.tessera.train.model.ParameterSet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Adam with bias correction and decoupled weight decay (AdamW) on the parameters named at
 * construction; keeps its moment estimates beside the parameters they belong to.
 *
 * <p>Each parameter is updated by {@link AdamKernel}: one fused native call per parameter.
 */
public final class Adam {

    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final Set<String> decayed;
    private final Map<String, NDArray[]> moments = new HashMap<>();
    private long step;

    public Adam(double learningRate) {
        this(learningRate, 0.9, 0.999, 1e-8);
    }

    public Adam(double learningRate, double beta1, double beta2, double epsilon) {
        this(new OptimizerConfig(learningRate, 0, 1, beta1, beta2, epsilon, 0, 0), Set.of());
    }

    /**
     * AdamW with {@code config}'s betas, epsilon and weight decay; the decay applies to the
     * parameters named in {@code decayed} only.
     */
    public Adam(OptimizerConfig config, Set<String> decayed) {
        this.learningRate = config.learningRate();
        this.beta1 = config.beta1();
        this.beta2 = config.beta2();
        this.epsilon = config.epsilon();
        this.weightDecay = config.weightDecay();
        this.decayed = Set.copyOf(decayed);
    }

    public long step() {
        return step;
    }

    /**
     * Moment arrays, so a training step can attach them to its scratch manager with the parameters.
     */
    public List<NDArray> state() {
        List<NDArray> all = new ArrayList<>();
        moments.values().forEach(m -> all.addAll(List.of(m)));
        return all;
    }

    /**
     * Applies one update from the gradients accumulated on {@code params}, then zeroes those
     * gradients (DJL's PyTorch engine accumulates them across backward passes).
     */
    public void update(ParameterSet params, NDManager scratch) {
        update(params, scratch, learningRate);
    }

    /**
     * {@link #update(ParameterSet, NDManager)} at {@code rate} instead of the constructor's
     * learning rate: the value of a schedule (warm-up, decay) at this step.
     */
    public void update(ParameterSet params, NDManager scratch, double rate) {
        if (!(rate >= 0)) {
            throw new IllegalArgumentException("learning rate must not be negative, got " + rate);
        }
        step++;
        for (Map.Entry<String, NDArray> entry : params.arrays().entrySet()) {
            NDArray param = entry.getValue();
            if (!param.hasGradient()) {
                continue;
            }
            NDArray[] m =
                    moments.computeIfAbsent(
                            entry.getKey(), k -> newMoments(params.manager(), param, scratch));
            double decay = decayed.contains(entry.getKey()) ? weightDecay : 0;
            AdamKernel.update(param, m[0], m[1], step, rate, decay, beta1, beta2, epsilon);
        }
    }

    /** Moments as tensors by "NAME#m" and "NAME#v", for a checkpoint. */
    public Map<String, FloatTensor> snapshot() {
        Map<String, FloatTensor> out = new TreeMap<>();
        moments.forEach(
                (name, m) -> {
                    out.put(name + "#m", ParameterSet.toTensor(m[0]));
                    out.put(name + "#v", ParameterSet.toTensor(m[1]));
                });
        return out;
    }

    /** Continues from a checkpoint: its update count and moments, created on {@code owner}. */
    public void restore(long steps, Map<String, FloatTensor> saved, NDManager owner) {
        moments.values().forEach(m -> List.of(m).forEach(NDArray::close));
        moments.clear();
        for (Map.Entry<String, FloatTensor> entry : saved.entrySet()) {
            String key = entry.getKey();
            int hash = key.lastIndexOf('#');
            if (hash < 0 || !(key.endsWith("#m") || key.endsWith("#v"))) {
                throw new IllegalArgumentException("not an Adam moment name: " + key);
            }
            String name = key.substring(0, hash);
            NDArray[] m = moments.computeIfAbsent(name, k -> new NDArray[2]);
            FloatTensor t = entry.getValue();
            m[key.endsWith("#m") ? 0 : 1] = owner.create(t.data(), new Shape(t.shape()));
        }
        moments.forEach(
                (name, m) -> {
                    if (m[0] == null || m[1] == null) {
                        throw new IllegalArgumentException("checkpoint lacks a moment of " + name);
                    }
                });
        this.step = steps;
    }

    private static NDArray[] newMoments(NDManager owner, NDArray param, NDManager scratch) {
        NDArray[] m = {
            owner.zeros(param.getShape(), param.getDataType()),
            owner.zeros(param.getShape(), param.getDataType())
        };
        for (NDArray a : m) {
            a.tempAttach(scratch);
        }
        return m;
    }
}
