package dev.tessera.train.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.LayerNorm;

import java.util.List;

/** Runs a list of {@link Layer}s on DJL arrays, reading weights from a {@link ParameterSet}. */
public final class ConvNet {

    private final List<Layer> layers;

    public ConvNet(List<Layer> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one layer");
        }
        this.layers = List.copyOf(layers);
    }

    public List<Layer> layers() {
        return layers;
    }

    public NDArray forward(ParameterSet params, NDArray input) {
        return run(layers, params, input);
    }

    private static NDArray run(List<Layer> layers, ParameterSet params, NDArray input) {
        NDArray x = input;
        for (Layer layer : layers) {
            x = apply(layer, params, x);
        }
        return x;
    }

    private static NDArray apply(Layer layer, ParameterSet params, NDArray x) {
        if (layer instanceof Layer.Conv conv) {
            return conv(conv, params, x);
        } else if (layer instanceof Layer.Relu) {
            return Activation.relu(x);
        } else if (layer instanceof Layer.Silu) {
            return x.mul(Activation.sigmoid(x));
        } else if (layer instanceof Layer.GroupNorm norm) {
            return groupNorm(norm, params, x);
        } else if (layer instanceof Layer.Upsample up) {
            return x.repeat(2, up.factor()).repeat(3, up.factor());
        } else if (layer instanceof Layer.Residual res) {
            NDArray branch = run(res.branch(), params, x);
            NDArray shortcut = res.shortcut() == null ? x : conv(res.shortcut(), params, x);
            return shortcut.add(branch);
        } else if (layer instanceof Layer.Attention attention) {
            return attention(attention, params, x);
        }
        throw new IllegalStateException("unknown layer " + layer);
    }

    private static NDArray conv(Layer.Conv conv, ParameterSet params, NDArray x) {
        int p = conv.padding();
        return Conv2d.conv2d(
                        x,
                        params.get(conv.weightName()),
                        params.get(conv.biasName()),
                        new Shape(conv.stride(), conv.stride()),
                        new Shape(p, p),
                        new Shape(1, 1),
                        1)
                .singletonOrThrow();
    }

    /**
     * Each group [C/G, H, W] normalised as one layer-norm row (PyTorch's fused kernel), then the
     * per-channel scale and shift: the same arithmetic as the exported InstanceNormalization.
     */
    private static NDArray groupNorm(Layer.GroupNorm norm, ParameterSet params, NDArray x) {
        Shape shape = x.getShape();
        long n = shape.get(0);
        long c = shape.get(1);
        long perGroup = shape.size() / (n * norm.groups());
        Shape rowShape = new Shape(perGroup);
        NDArray ones = x.getManager().ones(rowShape, x.getDataType(), x.getDevice());
        NDArray zeros = x.getManager().zeros(rowShape, x.getDataType(), x.getDevice());
        NDArray normalized =
                LayerNorm.layerNorm(
                                x.reshape(n, norm.groups(), perGroup),
                                rowShape,
                                ones,
                                zeros,
                                Layer.GroupNorm.EPSILON)
                        .singletonOrThrow()
                        .reshape(shape);
        Shape perChannel = new Shape(1, c, 1, 1);
        return normalized
                .mul(params.get(norm.weightName()).reshape(perChannel))
                .add(params.get(norm.biasName()).reshape(perChannel));
    }

    /** softmax(qᵀk / √C) over key positions, applied to v: [N, C, H, W] → [N, C, H, W]. */
    private static NDArray attention(Layer.Attention attention, ParameterSet params, NDArray x) {
        Shape shape = x.getShape();
        long n = shape.get(0);
        long c = shape.get(1);
        Shape rows = new Shape(n, c, shape.get(2) * shape.get(3));
        NDArray q = conv(attention.query(), params, x).reshape(rows).transpose(0, 2, 1);
        NDArray k = conv(attention.key(), params, x).reshape(rows);
        NDArray v = conv(attention.value(), params, x).reshape(rows);
        NDArray weights = q.matMul(k).mul(Scalars.like(q, 1.0 / Math.sqrt(c))).softmax(2);
        return v.matMul(weights.transpose(0, 2, 1)).reshape(shape);
    }
}
