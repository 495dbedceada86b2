package dev.tessera.runtime.testing;

import dev.tessera.api.v1.InputSpec;
import dev.tessera.api.v1.LatentGrid;
import dev.tessera.api.v1.TensorNames;
import dev.tessera.api.v1.TokenizerManifest;
import dev.tessera.api.v1.TrainingSummary;
import dev.tessera.onnx.AttributeProto;
import dev.tessera.onnx.AttributeProto.AttributeType;
import dev.tessera.onnx.GraphProto;
import dev.tessera.onnx.ModelProto;
import dev.tessera.onnx.NodeProto;
import dev.tessera.onnx.OperatorSetIdProto;
import dev.tessera.onnx.TensorProto;
import dev.tessera.onnx.TensorProto.DataType;
import dev.tessera.onnx.TensorShapeProto;
import dev.tessera.onnx.TypeProto;
import dev.tessera.onnx.ValueInfoProto;
import dev.tessera.runtime.artifact.ManifestSchema;
import dev.tessera.format.FloatMatrix;
import dev.tessera.runtime.artifact.TokenizerDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a real tokenizer directory whose ONNX graphs compute hand-checkable functions:
 *
 * <ul>
 *   <li>encoder: token = floor(mean of the patch's pixels (all channels) · K / 256), one patch of
 *       (H/h)×(W/w) pixels per grid cell;
 *   <li>decoder: every pixel of the patch (every channel) = token · 256/K + 128/K.
 * </ul>
 *
 * <p>With K=16 an all-37 patch encodes to 2 and decodes to 40. Both graphs work per patch, so with
 * a {@code sizeMultiple} (the patch size) they take any image of a multiple of it, as exported
 * tokenizers do; without, they declare the fixed size, as directories written before did.
 *
 * @param name model name
 * @param version model version
 * @param channels C, 1 or 3
 * @param height H
 * @param width W
 * @param gridHeight h, divides H
 * @param gridWidth w, divides W
 * @param codebookSize K, a power of two ≤ 256
 * @param sizeMultiple 0 for graphs of the fixed size, else the patch size (H/h = W/w)
 */
public record ToyTokenizer(
        String name,
        String version,
        int channels,
        int height,
        int width,
        int gridHeight,
        int gridWidth,
        int codebookSize,
        int sizeMultiple) {

    /** Code vector dimension written to the manifest and codebook.npy. */
    public static final int CODE_DIM = 4;

    /** A tokenizer of the fixed size. */
    public ToyTokenizer(
            String name,
            String version,
            int channels,
            int height,
            int width,
            int gridHeight,
            int gridWidth,
            int codebookSize) {
        this(name, version, channels, height, width, gridHeight, gridWidth, codebookSize, 0);
    }

    /** The same tokenizer taking any image whose sides are multiples of its patch size. */
    public ToyTokenizer anySize() {
        return new ToyTokenizer(
                name,
                version,
                channels,
                height,
                width,
                gridHeight,
                gridWidth,
                codebookSize,
                height / gridHeight);
    }

    /** Grayscale 8×8 images, grid 2×2, K=16. */
    public static ToyTokenizer gray(String name, String version) {
        return new ToyTokenizer(name, version, 1, 8, 8, 2, 2, 16);
    }

    /** RGB 8×8 images, grid 2×2, K=16. */
    public static ToyTokenizer rgb(String name, String version) {
        return new ToyTokenizer(name, version, 3, 8, 8, 2, 2, 16);
    }

    /** Writes the directory {@code parent/name-version} and returns it. */
    public Path writeTo(Path parent) throws IOException {
        Path dir = Files.createDirectories(parent.resolve(name + "-" + version));
        Files.write(dir.resolve(TokenizerDirectory.ENCODER), encoder().toByteArray());
        Files.write(dir.resolve(TokenizerDirectory.DECODER), decoder().toByteArray());
        codebook().write(dir.resolve(TokenizerDirectory.CODEBOOK));
        Files.writeString(dir.resolve("report.html"), "<html><body>toy</body></html>\n");
        TokenizerDirectory.writeManifest(dir, TokenizerDirectory.withChecksums(dir, manifest()));
        return dir;
    }

    /** Expected token for a patch whose pixel mean is {@code mean}. */
    public int tokenForMean(double mean) {
        return (int) Math.floor(mean * codebookSize / 256.0);
    }

    /** Expected decoded pixel value for token {@code id}. */
    public int pixelForToken(int id) {
        return id * (256 / codebookSize) + 128 / codebookSize;
    }

    /** The codebook written to codebook.npy: value (k, l) = k + l/8. */
    public FloatMatrix codebook() {
        float[] v = new float[codebookSize * CODE_DIM];
        for (int k = 0; k < codebookSize; k++) {
            for (int l = 0; l < CODE_DIM; l++) {
                v[k * CODE_DIM + l] = k + l / 8f;
            }
        }
        return new FloatMatrix(codebookSize, CODE_DIM, v);
    }

    /** The manifest, without checksums. */
    public TokenizerManifest manifest() {
        return TokenizerManifest.newBuilder()
                .setSchemaVersion(ManifestSchema.SCHEMA_VERSION)
                .setName(name)
                .setVersion(version)
                .setQuantizer("gmvq")
                .setCodebookSize(codebookSize)
                .setCodeDim(CODE_DIM)
                .setGrid(LatentGrid.newBuilder().setHeight(gridHeight).setWidth(gridWidth))
                .setInput(
                        InputSpec.newBuilder()
                                .setChannels(channels)
                                .setHeight(height)
                                .setWidth(width)
                                .setSizeMultiple(sizeMultiple)
                                .setDtype("uint8"))
                .setOnnxOpset(17)
                .setTensors(
                        TensorNames.newBuilder()
                                .setEncoderInput("pixels")
                                .setEncoderOutput("tokens")
                                .setDecoderInput("tokens")
                                .setDecoderOutput("pixels"))
                .setTraining(
                        TrainingSummary.newBuilder()
                                .setData("toy patches")
                                .setSteps(0)
                                .setSeed(7)
                                .setDevice("cpu()")
                                .setBatchSize(1)
                                .setLearningRate(0.001)
                                .putConfig("sigma_q2", "0.5")
                                .setFinishedAt("2025-01-01T00:00:00Z"))
                .putMetrics("mse", 0.0125)
                .putMetrics("psnr", 19.03)
                .build();
    }

    /** uint8 [N,C,H,W] → int32 [N,h,w]. */
    public ModelProto encoder() {
        int kh = height / gridHeight;
        int kw = width / gridWidth;
        GraphProto.Builder g = GraphProto.newBuilder().setName("toy_encoder");
        g.addInput(value("pixels", DataType.UINT8, channels, height, width));
        g.addNode(node("Cast", List.of("pixels"), "x", intAttr("to", DataType.FLOAT_VALUE)));
        String pooledInput = "x";
        if (channels > 1) {
            g.addNode(
                    node(
                            "ReduceMean",
                            List.of("x"),
                            "gray",
                            intsAttr("axes", 1),
                            intAttr("keepdims", 1)));
            pooledInput = "gray";
        }
        g.addNode(
                node(
                        "AveragePool",
                        List.of(pooledInput),
                        "pooled",
                        intsAttr("kernel_shape", kh, kw),
                        intsAttr("strides", kh, kw)));
        g.addInitializer(floatScalar("step", 256f / codebookSize));
        g.addNode(node("Div", List.of("pooled", "step"), "scaled"));
        g.addNode(node("Floor", List.of("scaled"), "floored"));
        g.addNode(node("Cast", List.of("floored"), "ids4", intAttr("to", DataType.INT32_VALUE)));
        g.addInitializer(int64s("channel_axis", 1));
        g.addNode(node("Squeeze", List.of("ids4", "channel_axis"), "tokens"));
        g.addOutput(value("tokens", DataType.INT32, gridHeight, gridWidth));
        return model(g);
    }

    /** int32 [N,h,w] → uint8 [N,C,H,W]. */
    public ModelProto decoder() {
        GraphProto.Builder g = GraphProto.newBuilder().setName("toy_decoder");
        g.addInput(value("tokens", DataType.INT32, gridHeight, gridWidth));
        g.addNode(node("Cast", List.of("tokens"), "t", intAttr("to", DataType.FLOAT_VALUE)));
        g.addInitializer(floatScalar("step", 256f / codebookSize));
        g.addInitializer(floatScalar("half_step", 128f / codebookSize));
        g.addNode(node("Mul", List.of("t", "step"), "scaled"));
        g.addNode(node("Add", List.of("scaled", "half_step"), "centred"));
        g.addInitializer(int64s("channel_axis", 1));
        g.addNode(node("Unsqueeze", List.of("centred", "channel_axis"), "plane"));
        g.addInitializer(
                floats("scales", 1f, 1f, (float) height / gridHeight, (float) width / gridWidth));
        g.addNode(
                node(
                        "Resize",
                        List.of("plane", "", "scales"),
                        "up",
                        stringAttr("mode", "nearest"),
                        stringAttr("coordinate_transformation_mode", "asymmetric"),
                        stringAttr("nearest_mode", "floor")));
        String last = "up";
        if (channels > 1) {
            g.addInitializer(int64s("rgb_shape", 1, channels, 1, 1));
            g.addNode(node("Expand", List.of("up", "rgb_shape"), "rgb"));
            last = "rgb";
        }
        g.addNode(node("Cast", List.of(last), "pixels", intAttr("to", DataType.UINT8_VALUE)));
        g.addOutput(value("pixels", DataType.UINT8, channels, height, width));
        return model(g);
    }

    private static ModelProto model(GraphProto.Builder graph) {
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setProducerName("tessera-runtime-tests")
                .setGraph(graph)
                .build();
    }

    private static NodeProto node(
            String op, List<String> inputs, String output, AttributeProto... attrs) {
        return NodeProto.newBuilder()
                .setOpType(op)
                .setName(output + "_" + op)
                .addAllInput(inputs)
                .addOutput(output)
                .addAllAttribute(List.of(attrs))
                .build();
    }

    private static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeType.INT)
                .setI(value)
                .build();
    }

    private static AttributeProto intsAttr(String name, long... values) {
        AttributeProto.Builder a =
                AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    private static AttributeProto stringAttr(String name, String value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(value))
                .build();
    }

    private static TensorProto floatScalar(String name, float value) {
        return TensorProto.newBuilder()
                .setName(name)
                .setDataType(DataType.FLOAT_VALUE)
                .addFloatData(value)
                .build();
    }

    private static TensorProto floats(String name, float... values) {
        TensorProto.Builder t =
                TensorProto.newBuilder()
                        .setName(name)
                        .setDataType(DataType.FLOAT_VALUE)
                        .addDims(values.length);
        for (float v : values) {
            t.addFloatData(v);
        }
        return t.build();
    }

    private static TensorProto int64s(String name, long... values) {
        TensorProto.Builder t =
                TensorProto.newBuilder()
                        .setName(name)
                        .setDataType(DataType.INT64_VALUE)
                        .addDims(values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        return t.build();
    }

    /**
     * [N, dims...]; with a size multiple the last two dimensions are symbolic (the image's or
     * grid's height and width).
     */
    private ValueInfoProto value(String name, DataType type, long... dims) {
        TensorShapeProto.Builder shape =
                TensorShapeProto.newBuilder()
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        for (int i = 0; i < dims.length; i++) {
            TensorShapeProto.Dimension.Builder d = TensorShapeProto.Dimension.newBuilder();
            if (sizeMultiple > 0 && i >= dims.length - 2) {
                d.setDimParam(name + (i == dims.length - 2 ? "_height" : "_width"));
            } else {
                d.setDimValue(dims[i]);
            }
            shape.addDim(d);
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(
                        TypeProto.newBuilder()
                                .setTensorType(
                                        TypeProto.Tensor.newBuilder()
                                                .setElemType(type.getNumber())
                                                .setShape(shape)))
                .build();
    }
}
