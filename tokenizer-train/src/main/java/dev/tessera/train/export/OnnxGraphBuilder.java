package dev.tessera.train.export;

import com.google.protobuf.ByteString;

import dev.tessera.onnx.AttributeProto;
import dev.tessera.onnx.GraphProto;
import dev.tessera.onnx.ModelProto;
import dev.tessera.onnx.NodeProto;
import dev.tessera.onnx.OperatorSetIdProto;
import dev.tessera.onnx.TensorProto;
import dev.tessera.onnx.TensorShapeProto;
import dev.tessera.onnx.TypeProto;
import dev.tessera.onnx.ValueInfoProto;
import dev.tessera.train.model.FloatTensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Assembles one ONNX graph from the generated protobuf classes: initializers, nodes, inputs and
 * outputs, every tensor under a unique name. The builder is single-use state for one graph; it is
 * not thread-safe. Graph inputs and outputs carry a symbolic batch axis {@value #BATCH_DIM} first,
 * so that one exported model serves any batch size; other dimensions may be symbolic too ({@link
 * Dim}).
 */
public final class OnnxGraphBuilder {

    /** ONNX IR version written into every model (the version that goes with opset 17). */
    public static final long IR_VERSION = 8;

    /** Version of the default ("ai.onnx") operator set the graphs are written against. */
    public static final long OPSET = 17;

    /** Symbolic name of the dynamic batch axis. */
    public static final String BATCH_DIM = "N";

    /** The producer name written into every model. */
    public static final String PRODUCER_NAME = "tessera";

    private final GraphProto.Builder graph;
    private final Set<String> usedNames = new HashSet<>();

    public OnnxGraphBuilder(String graphName) {
        this.graph = GraphProto.newBuilder().setName(graphName);
    }

    /**
     * Returns {@code hint} if no tensor or node has that name yet, else {@code hint_1}, {@code
     * hint_2}, …
     */
    public String uniqueName(String hint) {
        String name = hint;
        for (int n = 1; usedNames.contains(name); n++) {
            name = hint + "_" + n;
        }
        usedNames.add(name);
        return name;
    }

    /** Claims an exact name (a graph input or output the caller's contract fixes). */
    private String reserve(String name) {
        if (!usedNames.add(name)) {
            throw new IllegalArgumentException(
                    "tensor name " + name + " is already used in graph " + graph.getName());
        }
        return name;
    }

    /** Adds a float32 initializer; returns its (unique) name. */
    public String floatInitializer(String hint, long[] shape, float[] data) {
        checkSize(hint, shape, data.length);
        return initializer(hint, shape, TensorProto.DataType.FLOAT, littleEndian(data));
    }

    /** Adds a float32 initializer holding a copy of {@code tensor}. */
    public String floatInitializer(String hint, FloatTensor tensor) {
        return floatInitializer(hint, tensor.shape(), tensor.data());
    }

    /** Adds an int64 initializer; returns its (unique) name. */
    public String int64Initializer(String hint, long[] shape, long[] data) {
        checkSize(hint, shape, data.length);
        ByteBuffer bytes =
                ByteBuffer.allocate(Math.multiplyExact(data.length, Long.BYTES))
                        .order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(data);
        return initializer(hint, shape, TensorProto.DataType.INT64, bytes);
    }

    /** Adds a rank-0 float32 constant (the form Clip's min and max take since opset 11). */
    public String floatScalar(String hint, float value) {
        return floatInitializer(hint, new long[0], new float[] {value});
    }

    private String initializer(
            String hint, long[] shape, TensorProto.DataType type, ByteBuffer littleEndian) {
        String name = uniqueName(hint);
        graph.addInitializer(tensor(name, shape, type, littleEndian));
        return name;
    }

    private static TensorProto tensor(
            String name, long[] shape, TensorProto.DataType type, ByteBuffer littleEndian) {
        TensorProto.Builder t =
                TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
        for (long dim : shape) {
            t.addDims(dim);
        }
        return t.setRawData(ByteString.copyFrom(littleEndian.array())).build();
    }

    private static ByteBuffer littleEndian(float[] data) {
        ByteBuffer bytes =
                ByteBuffer.allocate(Math.multiplyExact(data.length, Float.BYTES))
                        .order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(data);
        return bytes;
    }

    private static void checkSize(String name, long[] shape, int length) {
        long size = 1;
        for (long dim : shape) {
            size *= dim;
        }
        if (size != length) {
            throw new IllegalArgumentException(
                    name
                            + ": shape "
                            + Arrays.toString(shape)
                            + " holds "
                            + size
                            + " elements but "
                            + length
                            + " were given");
        }
    }

    /**
     * Adds a node with one output under a fresh name derived from the op type; returns that name.
     */
    public String node(String opType, List<String> inputs, AttributeProto... attributes) {
        return addNode(uniqueName(opType.toLowerCase()), opType, inputs, attributes);
    }

    /** Adds a node whose single output has the exact name {@code output} (a graph output). */
    public String nodeTo(
            String output, String opType, List<String> inputs, AttributeProto... attributes) {
        return addNode(reserve(output), opType, inputs, attributes);
    }

    private String addNode(
            String output, String opType, List<String> inputs, AttributeProto... attributes) {
        graph.addNode(
                NodeProto.newBuilder()
                        .setName(uniqueName(opType + "_node"))
                        .setOpType(opType)
                        .addAllInput(inputs)
                        .addOutput(output)
                        .addAllAttribute(Arrays.asList(attributes)));
        return output;
    }

    /**
     * A dimension of a graph input or output after the batch axis: a fixed size, or a symbolic
     * name for a size the graph takes at run time (image height and width).
     *
     * @param size the fixed size, or -1 when symbolic
     * @param name the symbolic name, or null when fixed
     */
    public record Dim(long size, String name) {
        /** A fixed size. */
        public static Dim of(long size) {
            return new Dim(size, null);
        }

        /** A size given at run time, under a symbolic name. */
        public static Dim named(String name) {
            return new Dim(-1, name);
        }

        TensorShapeProto.Dimension proto() {
            TensorShapeProto.Dimension.Builder d = TensorShapeProto.Dimension.newBuilder();
            return (name == null ? d.setDimValue(size) : d.setDimParam(name)).build();
        }
    }

    /** Declares a graph input of shape [N, dimsAfterBatch...]; returns its name. */
    public String input(String name, TensorProto.DataType type, long... dimsAfterBatch) {
        return input(name, type, fixed(dimsAfterBatch));
    }

    /** Declares a graph input of shape [N, dimsAfterBatch...], some symbolic; returns its name. */
    public String input(String name, TensorProto.DataType type, Dim... dimsAfterBatch) {
        graph.addInput(valueInfo(reserve(name), type, dimsAfterBatch));
        return name;
    }

    /**
     * Declares {@code name}, the output of a node added with {@link #nodeTo}, as a graph output of
     * shape [N, dimsAfterBatch...].
     */
    public void output(String name, TensorProto.DataType type, long... dimsAfterBatch) {
        output(name, type, fixed(dimsAfterBatch));
    }

    /** As {@link #output(String, TensorProto.DataType, long...)}, some dimensions symbolic. */
    public void output(String name, TensorProto.DataType type, Dim... dimsAfterBatch) {
        if (!usedNames.contains(name)) {
            throw new IllegalArgumentException("graph output " + name + " is produced by no node");
        }
        graph.addOutput(valueInfo(name, type, dimsAfterBatch));
    }

    private static Dim[] fixed(long... sizes) {
        Dim[] dims = new Dim[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            dims[i] = Dim.of(sizes[i]);
        }
        return dims;
    }

    private static ValueInfoProto valueInfo(
            String name, TensorProto.DataType type, Dim... dimsAfterBatch) {
        TensorShapeProto.Builder shape =
                TensorShapeProto.newBuilder()
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH_DIM));
        for (Dim dim : dimsAfterBatch) {
            shape.addDim(dim.proto());
        }
        TypeProto.Tensor tensorType =
                TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape).build();
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder().setTensorType(tensorType))
                .build();
    }

    /** The finished model: IR {@value #IR_VERSION}, default-domain opset {@value #OPSET}. */
    public ModelProto build(String producerVersion) {
        Objects.requireNonNull(producerVersion, "producerVersion");
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName(PRODUCER_NAME)
                .setProducerVersion(producerVersion)
                .setGraph(graph.build())
                .build();
    }

    /** An INTS attribute, e.g. kernel_shape or perm. */
    public static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = attribute(name, AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    /** An INT attribute, e.g. axis or Cast's {@code to}. */
    public static AttributeProto intAttribute(String name, long value) {
        return attribute(name, AttributeProto.AttributeType.INT).setI(value).build();
    }

    /** A FLOAT attribute. */
    public static AttributeProto floatAttribute(String name, float value) {
        return attribute(name, AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    /** A STRING attribute (UTF-8), e.g. Resize's mode. */
    public static AttributeProto stringAttribute(String name, String value) {
        return attribute(name, AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFrom(value, StandardCharsets.UTF_8))
                .build();
    }

    /** A TENSOR attribute holding float32 values, e.g. a Constant node's value. */
    public static AttributeProto floatTensorAttribute(String name, long[] shape, float[] data) {
        checkSize(name, shape, data.length);
        return attribute(name, AttributeProto.AttributeType.TENSOR)
                .setT(tensor(name, shape, TensorProto.DataType.FLOAT, littleEndian(data)))
                .build();
    }

    private static AttributeProto.Builder attribute(
            String name, AttributeProto.AttributeType type) {
        return AttributeProto.newBuilder().setName(name).setType(type);
    }
}
