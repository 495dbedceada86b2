package dev.tessera.runtime.server;

import com.google.protobuf.ByteString;

import dev.tessera.api.inference.InferTensorContents;
import dev.tessera.api.inference.ModelInferRequest;
import dev.tessera.api.inference.ModelInferRequest.InferInputTensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A KServe v2 client's requests, built from the protocol's messages alone (the generated classes
 * of {@code inference/grpc_service.proto}), as any client generated from the specification would
 * build them: no server classes, no Tessera types. Raw tensors are little-endian and row-major.
 */
final class KServeRequests {

    private KServeRequests() {}

    /** One input named {@code input} whose data travel in {@code raw_input_contents}. */
    static ModelInferRequest raw(
            String model, String version, String id, String input, String datatype,
            byte[] data, long... shape) {
        return ModelInferRequest.newBuilder()
                .setModelName(model)
                .setModelVersion(version)
                .setId(id)
                .addInputs(tensor(input, datatype, shape))
                .addRawInputContents(ByteString.copyFrom(data))
                .build();
    }

    /** One UINT8 input whose values travel in {@code contents.uint_contents}. */
    static ModelInferRequest typedUint8(
            String model, String input, byte[] data, long... shape) {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        for (byte b : data) {
            contents.addUintContents(b & 0xff);
        }
        return ModelInferRequest.newBuilder()
                .setModelName(model)
                .addInputs(tensor(input, "UINT8", shape).toBuilder().setContents(contents))
                .build();
    }

    /** One INT32 input whose values travel in {@code contents.int_contents}. */
    static ModelInferRequest typedInt32(String model, String input, int[] data, long... shape) {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        for (int v : data) {
            contents.addIntContents(v);
        }
        return ModelInferRequest.newBuilder()
                .setModelName(model)
                .addInputs(tensor(input, "INT32", shape).toBuilder().setContents(contents))
                .build();
    }

    static InferInputTensor tensor(String name, String datatype, long... shape) {
        InferInputTensor.Builder t = InferInputTensor.newBuilder().setName(name).setDatatype(datatype);
        for (long d : shape) {
            t.addShape(d);
        }
        return t.build();
    }

    /** INT32 values as little-endian bytes. */
    static byte[] int32Bytes(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return b.array();
    }

    /** Little-endian INT32 bytes as values. */
    static int[] int32s(ByteString raw) {
        int[] values = new int[raw.size() / 4];
        raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(values);
        return values;
    }
}
