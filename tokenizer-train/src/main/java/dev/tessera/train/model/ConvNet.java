package dev.tessera.train.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;

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
        } else if (layer instanceof Layer.Upsample up) {
            return x.repeat(2, up.factor()).repeat(3, up.factor());
        } else if (layer instanceof Layer.Residual res) {
            NDArray inner = conv(res.first(), params, Activation.relu(x));
            return x.add(conv(res.second(), params, Activation.relu(inner)));
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
}
