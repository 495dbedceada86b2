package dev.tessera.train.export;

import static dev.tessera.train.export.OnnxGraphBuilder.intAttribute;
import static dev.tessera.train.export.OnnxGraphBuilder.ints;
import static dev.tessera.train.export.OnnxGraphBuilder.stringAttribute;

import dev.tessera.onnx.ModelProto;
import dev.tessera.onnx.TensorProto.DataType;
import dev.tessera.train.export.OnnxGraphBuilder.Dim;
import dev.tessera.train.model.Architecture;
import dev.tessera.train.model.FloatTensor;
import dev.tessera.train.model.Layer;
import dev.tessera.train.model.TokenizerNetwork;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The two ONNX graphs of a tokenizer artifact (docs/artifact.md). Pre- and post-processing live
 * inside the graphs: the encoder takes uint8 pixels [N, C, H, W] and returns int32 token ids [N,
 * h, w]; the decoder takes the ids and returns uint8 pixels. Both replay the same {@link Layer}
 * lists that {@link dev.tessera.train.model.ConvNet} runs in training, so the exported network is
 * the trained one. The network is fully convolutional, so H and W (and h = H/f, w = W/f) are
 * symbolic: the graphs take any size that is a multiple of the downsampling factor f, not only the
 * training size.
 */
public final class TokenizerGraphs {

    /** Name of the encoder's input and the decoder's output: uint8 [N, C, H, W]. */
    public static final String PIXELS = "pixels";

    /** Name of the encoder's output and the decoder's input: int32 [N, h, w]. */
    public static final String TOKENS = "tokens";

    /**
     * Name of the encoder's second output: float32 [N, h, w, L], the vector of every position that
     * the nearest code is chosen for (after tanh for FSQ). Evaluation and analysis read it.
     */
    public static final String LATENTS = "latents";

    /** The grid's height and width: any size, h = H/f and w = W/f of the image's. */
    private static final Dim GRID_HEIGHT = Dim.named("h");

    private static final Dim GRID_WIDTH = Dim.named("w");

    public static final long OPSET = OnnxGraphBuilder.OPSET;
    public static final long IR_VERSION = OnnxGraphBuilder.IR_VERSION;

    private TokenizerGraphs() {}

    /**
     * Pixels → tokens. After the encoder layers, the nearest code is chosen as argmax_c(2 ẑ·μ_c −
     * ‖μ_c‖²), the formula of {@link dev.tessera.train.quantize.Codebook#nearest}, so that exported
     * and training-time tokens agree (‖ẑ‖² is the same for every c and is dropped).
     *
     * @param weights convolution weights and biases by parameter name (extra entries are ignored)
     * @param codebook μ, [K, arch.codeDim()]
     */
    public static ModelProto encoder(
            Architecture arch,
            Map<String, FloatTensor> weights,
            FloatTensor codebook,
            String producerVersion) {
        return encoder(arch, weights, codebook, false, producerVersion);
    }

    /**
     * Pixels → tokens, as {@link #encoder(Architecture, Map, FloatTensor, String)}, with ẑ bounded
     * by tanh before the nearest code when {@code tanhBounded} (FSQ).
     */
    public static ModelProto encoder(
            Architecture arch,
            Map<String, FloatTensor> weights,
            FloatTensor codebook,
            boolean tanhBounded,
            String producerVersion) {
        List<Layer> layers = arch.encoderLayers();
        checkWeights(layers, weights);
        checkCodebook(arch, codebook);
        OnnxGraphBuilder g = new OnnxGraphBuilder("tessera_encoder");
        String x = g.input(PIXELS, DataType.UINT8, imageDims(arch));
        x = g.node("Cast", List.of(x), intAttribute("to", DataType.FLOAT.getNumber()));
        x = g.node("Mul", List.of(x, g.floatScalar("input_scale", TokenizerNetwork.INPUT_SCALE)));
        x = g.node("Add", List.of(x, g.floatScalar("input_shift", TokenizerNetwork.INPUT_SHIFT)));
        x = applyLayers(g, layers, weights, x);
        if (tanhBounded) {
            x = g.node("Tanh", List.of(x));
        }
        g.nodeTo(LATENTS, "Transpose", List.of(x), ints("perm", 0, 2, 3, 1));
        x = LATENTS;
        x =
                g.node(
                        "MatMul",
                        List.of(
                                x,
                                g.floatInitializer(
                                        "codebook_twice_transposed", twiceTransposed(codebook))));
        x =
                g.node(
                        "Sub",
                        List.of(
                                x,
                                g.floatInitializer(
                                        "codebook_squared_norms", squaredNorms(codebook))));
        // select_last_index 0: ties go to the lowest index, as torch.argmax does.
        x =
                g.node(
                        "ArgMax",
                        List.of(x),
                        intAttribute("axis", 3),
                        intAttribute("keepdims", 0),
                        intAttribute("select_last_index", 0));
        g.nodeTo(TOKENS, "Cast", List.of(x), intAttribute("to", DataType.INT32.getNumber()));
        g.output(TOKENS, DataType.INT32, GRID_HEIGHT, GRID_WIDTH);
        g.output(LATENTS, DataType.FLOAT, GRID_HEIGHT, GRID_WIDTH, Dim.of(arch.codeDim()));
        return g.build(producerVersion);
    }

    /**
     * Tokens → pixels: codebook lookup, the decoder layers, then {@code round(clip(y·255, 0, 255))}
     * as uint8, the same as {@link TokenizerNetwork#toPixelLevels}.
     *
     * @param weights convolution weights and biases by parameter name (extra entries are ignored)
     * @param codebook μ, [K, arch.codeDim()]
     */
    public static ModelProto decoder(
            Architecture arch,
            Map<String, FloatTensor> weights,
            FloatTensor codebook,
            String producerVersion) {
        List<Layer> layers = arch.decoderLayers();
        checkWeights(layers, weights);
        checkCodebook(arch, codebook);
        OnnxGraphBuilder g = new OnnxGraphBuilder("tessera_decoder");
        String x = g.input(TOKENS, DataType.INT32, GRID_HEIGHT, GRID_WIDTH);
        x =
                g.node(
                        "Gather",
                        List.of(g.floatInitializer("codebook", codebook), x),
                        intAttribute("axis", 0));
        x = g.node("Transpose", List.of(x), ints("perm", 0, 3, 1, 2));
        x = applyLayers(g, layers, weights, x);
        x = g.node("Mul", List.of(x, g.floatScalar("pixel_scale", 255f)));
        x =
                g.node(
                        "Clip",
                        List.of(
                                x,
                                g.floatScalar("pixel_min", 0f),
                                g.floatScalar("pixel_max", 255f)));
        // ONNX Round and torch.round both round halves to even.
        x = g.node("Round", List.of(x));
        g.nodeTo(PIXELS, "Cast", List.of(x), intAttribute("to", DataType.UINT8.getNumber()));
        g.output(PIXELS, DataType.UINT8, imageDims(arch));
        return g.build(producerVersion);
    }

    /** [C, H, W] with H and W symbolic: any multiple of the downsampling factor. */
    private static Dim[] imageDims(Architecture arch) {
        return new Dim[] {Dim.of(arch.channels()), Dim.named("H"), Dim.named("W")};
    }

    private static String applyLayers(
            OnnxGraphBuilder g,
            List<Layer> layers,
            Map<String, FloatTensor> weights,
            String input) {
        String x = input;
        for (Layer layer : layers) {
            x = applyLayer(g, layer, weights, x);
        }
        return x;
    }

    private static String applyLayer(
            OnnxGraphBuilder g, Layer layer, Map<String, FloatTensor> weights, String x) {
        if (layer instanceof Layer.Conv conv) {
            return conv(g, conv, weights, x);
        } else if (layer instanceof Layer.Relu) {
            return g.node("Relu", List.of(x));
        } else if (layer instanceof Layer.Silu) {
            // No SiLU operator in opset 17: x · sigmoid(x).
            return g.node("Mul", List.of(x, g.node("Sigmoid", List.of(x))));
        } else if (layer instanceof Layer.GroupNorm norm) {
            return groupNorm(g, norm, weights, x);
        } else if (layer instanceof Layer.Upsample up) {
            return upsample(g, up.factor(), x);
        } else if (layer instanceof Layer.Residual res) {
            String branch = applyLayers(g, res.branch(), weights, x);
            String shortcut = res.shortcut() == null ? x : conv(g, res.shortcut(), weights, x);
            return g.node("Add", List.of(shortcut, branch));
        } else if (layer instanceof Layer.Attention attention) {
            return attention(g, attention, weights, x);
        }
        throw new IllegalStateException("unknown layer " + layer);
    }

    /**
     * GroupNormalization arrives only in opset 18 (with a per-group scale, per-channel only from
     * 21), so the graph composes it from opset-17 operators, the way PyTorch exports GroupNorm:
     * reshape to [N, G, C/G·H·W], InstanceNormalization (unit scale, zero shift; one fused kernel
     * in ONNX Runtime), reshape back, then the per-channel scale and shift.
     */
    private static String groupNorm(
            OnnxGraphBuilder g, Layer.GroupNorm norm, Map<String, FloatTensor> weights, String x) {
        int groups = norm.groups();
        float[] ones = new float[groups];
        Arrays.fill(ones, 1f);
        String grouped =
                g.node(
                        "Reshape",
                        List.of(
                                x,
                                g.int64Initializer(
                                        "group_shape",
                                        new long[] {3},
                                        new long[] {0, groups, -1})));
        String normalized =
                g.node(
                        "InstanceNormalization",
                        List.of(
                                grouped,
                                g.floatInitializer("group_scale", new long[] {groups}, ones),
                                g.floatInitializer(
                                        "group_shift", new long[] {groups}, new float[groups])),
                        OnnxGraphBuilder.floatAttribute("epsilon", Layer.GroupNorm.EPSILON));
        String restored = g.node("Reshape", List.of(normalized, g.node("Shape", List.of(x))));
        long[] perChannel = {norm.channels(), 1, 1};
        String scaled =
                g.node(
                        "Mul",
                        List.of(
                                restored,
                                g.floatInitializer(
                                        norm.weightName(),
                                        perChannel,
                                        weights.get(norm.weightName()).data())));
        return g.node(
                "Add",
                List.of(
                        scaled,
                        g.floatInitializer(
                                norm.biasName(), perChannel, weights.get(norm.biasName()).data())));
    }

    /** softmax(qᵀk / √C) over key positions applied to v, as {@code ConvNet} computes it. */
    private static String attention(
            OnnxGraphBuilder g,
            Layer.Attention attention,
            Map<String, FloatTensor> weights,
            String x) {
        int c = attention.channels();
        String rows = g.int64Initializer("attention_rows", new long[] {3}, new long[] {0, c, -1});
        String q =
                g.node(
                        "Transpose",
                        List.of(
                                g.node(
                                        "Reshape",
                                        List.of(conv(g, attention.query(), weights, x), rows))),
                        ints("perm", 0, 2, 1));
        String k = g.node("Reshape", List.of(conv(g, attention.key(), weights, x), rows));
        String v = g.node("Reshape", List.of(conv(g, attention.value(), weights, x), rows));
        String logits =
                g.node(
                        "Mul",
                        List.of(
                                g.node("MatMul", List.of(q, k)),
                                g.floatScalar("attention_scale", (float) (1.0 / Math.sqrt(c)))));
        String attended = g.node("Softmax", List.of(logits), intAttribute("axis", 2));
        String out =
                g.node(
                        "MatMul",
                        List.of(v, g.node("Transpose", List.of(attended), ints("perm", 0, 2, 1))));
        return g.node("Reshape", List.of(out, g.node("Shape", List.of(x))));
    }

    private static String conv(
            OnnxGraphBuilder g, Layer.Conv conv, Map<String, FloatTensor> weights, String x) {
        long p = conv.padding();
        String w = g.floatInitializer(conv.weightName(), weights.get(conv.weightName()));
        String b = g.floatInitializer(conv.biasName(), weights.get(conv.biasName()));
        return g.node(
                "Conv",
                List.of(x, w, b),
                ints("kernel_shape", conv.kernel(), conv.kernel()),
                ints("strides", conv.stride(), conv.stride()),
                ints("pads", p, p, p, p),
                ints("dilations", 1, 1),
                intAttribute("group", 1));
    }

    /**
     * Nearest-neighbour upsampling. With asymmetric coordinates and floor rounding, output index i
     * reads input index floor(i / f): every pixel repeated f times, exactly DJL's {@code repeat}.
     */
    static String upsample(OnnxGraphBuilder g, int factor, String x) {
        String scales =
                g.floatInitializer(
                        "upsample_scales", new long[] {4}, new float[] {1f, 1f, factor, factor});
        return g.node(
                "Resize",
                List.of(x, "", scales),
                stringAttribute("mode", "nearest"),
                stringAttribute("coordinate_transformation_mode", "asymmetric"),
                stringAttribute("nearest_mode", "floor"));
    }

    /** Fails on a missing or misshapen parameter before any graph is built. */
    private static void checkWeights(List<Layer> layers, Map<String, FloatTensor> weights) {
        Architecture.parameterShapes(layers)
                .forEach((name, shape) -> checkShape(weights, name, shape));
    }

    private static void checkShape(Map<String, FloatTensor> weights, String name, long[] expected) {
        FloatTensor tensor = weights.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException(
                    "missing parameter " + name + ", expected shape " + Arrays.toString(expected));
        }
        if (!Arrays.equals(tensor.shape(), expected)) {
            throw new IllegalArgumentException(
                    "parameter "
                            + name
                            + " has shape "
                            + Arrays.toString(tensor.shape())
                            + ", expected "
                            + Arrays.toString(expected));
        }
    }

    private static void checkCodebook(Architecture arch, FloatTensor codebook) {
        long[] shape = codebook.shape();
        if (shape.length != 2 || shape[0] < 1 || shape[1] != arch.codeDim()) {
            throw new IllegalArgumentException(
                    "codebook has shape "
                            + Arrays.toString(shape)
                            + ", expected [K, "
                            + arch.codeDim()
                            + "] with K >= 1");
        }
    }

    /** 2·μᵀ, [L, K]; doubling is exact in float, so this equals the trainer's {@code μᵀ·2}. */
    private static FloatTensor twiceTransposed(FloatTensor codebook) {
        int k = codebook.dim(0);
        int l = codebook.dim(1);
        float[] mu = codebook.data();
        float[] out = new float[l * k];
        for (int c = 0; c < k; c++) {
            for (int d = 0; d < l; d++) {
                out[d * k + c] = 2f * mu[c * l + d];
            }
        }
        return new FloatTensor(new long[] {l, k}, out);
    }

    /** ‖μ_c‖², [K], accumulated in double so the constant is the correctly rounded value. */
    private static FloatTensor squaredNorms(FloatTensor codebook) {
        int k = codebook.dim(0);
        int l = codebook.dim(1);
        float[] mu = codebook.data();
        float[] norms = new float[k];
        for (int c = 0; c < k; c++) {
            double sum = 0;
            for (int d = 0; d < l; d++) {
                sum += (double) mu[c * l + d] * mu[c * l + d];
            }
            norms[c] = (float) sum;
        }
        return new FloatTensor(new long[] {k}, norms);
    }
}
