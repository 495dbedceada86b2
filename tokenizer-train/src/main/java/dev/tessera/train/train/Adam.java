package dev.tessera.train.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import dev.tessera.train.model.ParameterSet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Adam with bias correction; keeps its moment estimates beside the parameters they belong to. */
public final class Adam {

    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final Map<String, NDArray[]> moments = new HashMap<>();
    private long step;

    public Adam(double learningRate) {
        this(learningRate, 0.9, 0.999, 1e-8);
    }

    public Adam(double learningRate, double beta1, double beta2, double epsilon) {
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException(
                    "learning rate must be positive, got " + learningRate);
        }
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
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
        step++;
        float correction1 = (float) (1 - Math.pow(beta1, step));
        float correction2 = (float) (1 - Math.pow(beta2, step));
        for (Map.Entry<String, NDArray> entry : params.arrays().entrySet()) {
            NDArray param = entry.getValue();
            NDArray grad = param.getGradient();
            NDArray[] m =
                    moments.computeIfAbsent(
                            entry.getKey(), k -> newMoments(params.manager(), param, scratch));
            m[0].muli((float) beta1).addi(grad.mul((float) (1 - beta1)));
            m[1].muli((float) beta2).addi(grad.square().mul((float) (1 - beta2)));
            NDArray update =
                    m[0].div(correction1)
                            .div(m[1].div(correction2).sqrt().add((float) epsilon))
                            .mul((float) learningRate);
            // In-place on a detached view: changes the values without recording an autograd
            // operation.
            param.stopGradient().subi(update);
            grad.subi(grad);
        }
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
