package dev.tessera.runtime.onnx;

import dev.tessera.api.v1.TokenizerManifest;
import dev.tessera.runtime.artifact.TokenizerDirectory;
import dev.tessera.runtime.artifact.TokenizerLoadException;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.TensorInfo.OnnxTensorType;

import java.util.Arrays;
import java.util.Map;

/**
 * Checks that the encoder and decoder graphs bind to the tensor names, element types and static
 * dimensions the manifest promises, so a mismatch fails at load time and not on the first request.
 * When the manifest says any multiple of the downsampling factor is taken, the graphs' height and
 * width (and grid) dimensions must be symbolic.
 */
final class GraphSignature {

    /** A dimension any size may take: the batch axis. */
    static final long ANY = -1;

    /** A dimension the graph must leave symbolic: height and width of a dynamic-size model. */
    static final long DYNAMIC = -2;

    private GraphSignature() {}

    static void check(TokenizerManifest m, OrtSession encoder, OrtSession decoder)
            throws OrtException {
        boolean dynamic = m.getInput().getSizeMultiple() > 0;
        long c = m.getInput().getChannels();
        long h = dynamic ? DYNAMIC : m.getInput().getHeight();
        long w = dynamic ? DYNAMIC : m.getInput().getWidth();
        long gh = dynamic ? DYNAMIC : m.getGrid().getHeight();
        long gw = dynamic ? DYNAMIC : m.getGrid().getWidth();
        String enc = TokenizerDirectory.ENCODER;
        String dec = TokenizerDirectory.DECODER;
        expect(
                enc,
                "input",
                encoder.getInputInfo(),
                m.getTensors().getEncoderInput(),
                OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8,
                new long[] {ANY, c, h, w});
        expect(
                enc,
                "output",
                encoder.getOutputInfo(),
                m.getTensors().getEncoderOutput(),
                OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32,
                new long[] {ANY, gh, gw});
        expect(
                dec,
                "input",
                decoder.getInputInfo(),
                m.getTensors().getDecoderInput(),
                OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32,
                new long[] {ANY, gh, gw});
        expect(
                dec,
                "output",
                decoder.getOutputInfo(),
                m.getTensors().getDecoderOutput(),
                OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8,
                new long[] {ANY, c, h, w});
        if (encoder.getNumInputs() != 1 || decoder.getNumInputs() != 1) {
            throw new TokenizerLoadException(
                    "encoder.onnx/decoder.onnx: expected exactly one graph input"
                            + " each, got "
                            + encoder.getInputNames()
                            + " and "
                            + decoder.getInputNames());
        }
    }

    private static void expect(
            String file,
            String role,
            Map<String, NodeInfo> infos,
            String name,
            OnnxTensorType type,
            long[] dims) {
        String wanted = describe(type, dims);
        NodeInfo info = infos.get(name);
        if (info == null) {
            throw mismatch(
                    file,
                    role
                            + " \""
                            + name
                            + "\" "
                            + wanted
                            + " (named in the manifest's tensors)",
                    "graph " + role + "s " + infos.keySet());
        }
        if (!(info.getInfo() instanceof TensorInfo tensor)) {
            throw mismatch(file, role + " \"" + name + "\" " + wanted, info.getInfo().toString());
        }
        long[] shape = tensor.getShape();
        boolean ok = tensor.onnxType == type && shape.length == dims.length;
        for (int i = 0; ok && i < dims.length; i++) {
            // A graph may leave any dimension symbolic; only fixed sizes that disagree are errors,
            // and fixed sizes where the manifest promises any multiple of the factor.
            ok = dims[i] == ANY || shape[i] < 0 || (dims[i] != DYNAMIC && shape[i] == dims[i]);
        }
        if (!ok) {
            throw mismatch(
                    file, role + " \"" + name + "\" " + wanted, describe(tensor.onnxType, shape));
        }
    }

    private static TokenizerLoadException mismatch(String file, String expected, String got) {
        return new TokenizerLoadException(
                file
                        + ": expected "
                        + expected
                        + ", got "
                        + got
                        + "; the graph does not match the manifest");
    }

    static String describe(OnnxTensorType type, long[] dims) {
        String t = type.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "").toLowerCase();
        String[] parts = new String[dims.length];
        for (int i = 0; i < dims.length; i++) {
            parts[i] =
                    dims[i] == DYNAMIC
                            ? "dynamic"
                            : dims[i] < 0 ? (i == 0 ? "N" : "?") : Long.toString(dims[i]);
        }
        return t + " [" + String.join(",", parts) + "]";
    }

    static String shapeOf(long[] dims) {
        return Arrays.toString(dims).replace(" ", "");
    }
}
