package dev.tessera.runtime.server;

import com.google.protobuf.ByteString;

import dev.tessera.api.inference.ModelInferRequest;
import dev.tessera.api.inference.ModelInferRequest.InferInputTensor;
import dev.tessera.api.inference.ModelInferResponse;
import dev.tessera.api.inference.ModelInferResponse.InferOutputTensor;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.Tokenizer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Between the Open Inference Protocol's tensors and the library's batches: the request's one input
 * from {@code raw_input_contents} (little-endian, row-major) or from the typed {@code contents}
 * field of its datatype, checked by {@link TensorChecks} under the tensor's name; the output as
 * {@code raw_output_contents}.
 */
final class InferenceTensors {

    private static final String RAW = "raw_input_contents[0]";

    private InferenceTensors() {}

    /** The encoder's images: input {@code pixels}, UINT8 [N, C, H, W]. */
    static ImageBatch images(ModelInferRequest r, Tokenizer t, int maxBatch) {
        InferInputTensor in = input(r, InferenceModel.ENCODER);
        TensorChecks.datatype("pixels.datatype", "UINT8", in.getDatatype());
        long[] shape = TensorChecks.imageShape("pixels.shape", in.getShapeList(), t, maxBatch);
        if (r.getRawInputContentsCount() == 1) {
            ByteString raw = r.getRawInputContents(0);
            TensorChecks.count(RAW, shape, raw.size(), "bytes", 1);
            return TensorChecks.images(shape, raw.toByteArray());
        }
        String field = "pixels.contents.uint_contents";
        List<Integer> values = in.getContents().getUintContentsList();
        TensorChecks.count(field, shape, values.size(), "values", 1);
        byte[] pixels = new byte[values.size()];
        for (int i = 0; i < pixels.length; i++) {
            int v = values.get(i);
            if (v < 0 || v > 255) {
                throw new InvalidInputException(
                        field + "[" + i + "]",
                        field
                                + "["
                                + i
                                + "]: expected a UINT8 value in [0,255], got "
                                + Integer.toUnsignedString(v));
            }
            pixels[i] = (byte) v;
        }
        return TensorChecks.images(shape, pixels);
    }

    /** The decoder's token grids: input {@code tokens}, INT32 [N, h, w], every id in [0, K). */
    static TokenBatch tokens(ModelInferRequest r, Tokenizer t, int maxBatch) {
        InferInputTensor in = input(r, InferenceModel.DECODER);
        TensorChecks.datatype("tokens.datatype", "INT32", in.getDatatype());
        long[] shape = TensorChecks.gridShape("tokens.shape", in.getShapeList(), t, maxBatch);
        String field;
        int[] ids;
        if (r.getRawInputContentsCount() == 1) {
            field = RAW;
            ByteString raw = r.getRawInputContents(0);
            TensorChecks.count(field, shape, raw.size(), "bytes", Integer.BYTES);
            ids = new int[raw.size() / Integer.BYTES];
            raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(ids);
        } else {
            field = "tokens.contents.int_contents";
            List<Integer> values = in.getContents().getIntContentsList();
            TensorChecks.count(field, shape, values.size(), "values", 1);
            ids = values.stream().mapToInt(Integer::intValue).toArray();
        }
        return TensorChecks.tokens(shape, TensorChecks.ids(field, ids, t.codebookSize()));
    }

    /**
     * The request's only input, which must be the model's; its data in one raw entry or in its
     * typed contents, not both.
     */
    private static InferInputTensor input(ModelInferRequest r, InferenceModel kind) {
        if (r.getInputsCount() != 1) {
            throw new InvalidInputException(
                    "inputs",
                    "inputs: expected one input \""
                            + kind.input
                            + "\", got "
                            + r.getInputsList().stream().map(i -> "\"" + i.getName() + "\"").toList());
        }
        InferInputTensor in = r.getInputs(0);
        if (!kind.input.equals(in.getName())) {
            throw new InvalidInputException(
                    "inputs[0].name",
                    "inputs[0].name: expected \"" + kind.input + "\", got \"" + in.getName() + "\"");
        }
        if (r.getRawInputContentsCount() > 1) {
            throw new InvalidInputException(
                    "raw_input_contents",
                    "raw_input_contents: expected one entry per input (1), got "
                            + r.getRawInputContentsCount());
        }
        if (r.getRawInputContentsCount() == 1 && in.hasContents()) {
            throw new InvalidInputException(
                    kind.input + ".contents",
                    kind.input
                            + ".contents: expected none when raw_input_contents carries the data");
        }
        return in;
    }

    /**
     * @throws InvalidInputException naming the first requested output the model does not have
     */
    static void checkRequestedOutputs(ModelInferRequest r, InferenceModel kind, String model) {
        for (int i = 0; i < r.getOutputsCount(); i++) {
            String name = r.getOutputs(i).getName();
            if (!kind.output.equals(name)) {
                String field = "outputs[" + i + "].name";
                throw new InvalidInputException(
                        field,
                        field
                                + ": expected \""
                                + kind.output
                                + "\", the only output of "
                                + model
                                + ", got \""
                                + name
                                + "\"");
            }
        }
    }

    /** The answer of the encoder: {@code tokens}, INT32, little-endian. */
    static ModelInferResponse tokensResponse(
            ModelInferRequest r, String version, TokenBatch tokens) {
        ByteBuffer raw =
                ByteBuffer.allocate(tokens.ids().length * Integer.BYTES)
                        .order(ByteOrder.LITTLE_ENDIAN);
        raw.asIntBuffer().put(tokens.ids());
        return response(r, version, InferenceModel.ENCODER, tokens.shape(), raw.array());
    }

    /** The answer of the decoder: {@code pixels}, UINT8. */
    static ModelInferResponse pixelsResponse(
            ModelInferRequest r, String version, ImageBatch images) {
        return response(r, version, InferenceModel.DECODER, images.shape(), images.pixels());
    }

    private static ModelInferResponse response(
            ModelInferRequest r, String version, InferenceModel kind, long[] shape, byte[] raw) {
        InferOutputTensor.Builder out =
                InferOutputTensor.newBuilder().setName(kind.output).setDatatype(kind.outputType);
        for (long d : shape) {
            out.addShape(d);
        }
        return ModelInferResponse.newBuilder()
                .setModelName(r.getModelName())
                .setModelVersion(version)
                .setId(r.getId())
                .addOutputs(out)
                .addRawOutputContents(ByteString.copyFrom(raw))
                .build();
    }
}
