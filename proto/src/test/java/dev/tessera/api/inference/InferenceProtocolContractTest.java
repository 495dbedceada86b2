package dev.tessera.api.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor.Type;
import com.google.protobuf.Descriptors.ServiceDescriptor;

import io.grpc.MethodDescriptor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

/**
 * Only the names and numbers on the wire make a KServe v2 client work: the gRPC paths of the six
 * calls and, per message, each field's number, cardinality and type as the Open Inference
 * Protocol's specification gives them. A renamed or renumbered field here would break every client
 * generated from the specification while this repository's own code kept compiling.
 */
class InferenceProtocolContractTest {

    @Test
    void servesTheSpecificationsSixCallsUnderItsPaths() {
        ServiceDescriptor service =
                GrpcInferenceProto.getDescriptor().findServiceByName("GRPCInferenceService");
        assertNotNull(service);
        assertEquals("inference.GRPCInferenceService", service.getFullName());
        assertEquals(
                List.of(
                        "ServerLive",
                        "ServerReady",
                        "ModelReady",
                        "ServerMetadata",
                        "ModelMetadata",
                        "ModelInfer"),
                service.getMethods().stream().map(m -> m.getName()).toList());
        MethodDescriptor<ModelInferRequest, ModelInferResponse> infer =
                GRPCInferenceServiceGrpc.getModelInferMethod();
        assertEquals("inference.GRPCInferenceService/ModelInfer", infer.getFullMethodName());
        assertEquals(MethodDescriptor.MethodType.UNARY, infer.getType());
    }

    @ParameterizedTest(name = "{0}.{1} = {2}, {3} {4}")
    @CsvSource({
        "ServerLiveResponse, live, 1, single, BOOL",
        "ServerReadyResponse, ready, 1, single, BOOL",
        "ModelReadyRequest, name, 1, single, STRING",
        "ModelReadyRequest, version, 2, single, STRING",
        "ModelReadyResponse, ready, 1, single, BOOL",
        "ServerMetadataResponse, name, 1, single, STRING",
        "ServerMetadataResponse, version, 2, single, STRING",
        "ServerMetadataResponse, extensions, 3, repeated, STRING",
        "ModelMetadataRequest, name, 1, single, STRING",
        "ModelMetadataRequest, version, 2, single, STRING",
        "ModelMetadataResponse, name, 1, single, STRING",
        "ModelMetadataResponse, versions, 2, repeated, STRING",
        "ModelMetadataResponse, platform, 3, single, STRING",
        "ModelMetadataResponse, inputs, 4, repeated, MESSAGE",
        "ModelMetadataResponse, outputs, 5, repeated, MESSAGE",
        "ModelMetadataResponse.TensorMetadata, name, 1, single, STRING",
        "ModelMetadataResponse.TensorMetadata, datatype, 2, single, STRING",
        "ModelMetadataResponse.TensorMetadata, shape, 3, repeated, INT64",
        "ModelInferRequest, model_name, 1, single, STRING",
        "ModelInferRequest, model_version, 2, single, STRING",
        "ModelInferRequest, id, 3, single, STRING",
        "ModelInferRequest, parameters, 4, repeated, MESSAGE",
        "ModelInferRequest, inputs, 5, repeated, MESSAGE",
        "ModelInferRequest, outputs, 6, repeated, MESSAGE",
        "ModelInferRequest, raw_input_contents, 7, repeated, BYTES",
        "ModelInferRequest.InferInputTensor, name, 1, single, STRING",
        "ModelInferRequest.InferInputTensor, datatype, 2, single, STRING",
        "ModelInferRequest.InferInputTensor, shape, 3, repeated, INT64",
        "ModelInferRequest.InferInputTensor, parameters, 4, repeated, MESSAGE",
        "ModelInferRequest.InferInputTensor, contents, 5, single, MESSAGE",
        "ModelInferRequest.InferRequestedOutputTensor, name, 1, single, STRING",
        "ModelInferRequest.InferRequestedOutputTensor, parameters, 2, repeated, MESSAGE",
        "ModelInferResponse, model_name, 1, single, STRING",
        "ModelInferResponse, model_version, 2, single, STRING",
        "ModelInferResponse, id, 3, single, STRING",
        "ModelInferResponse, parameters, 4, repeated, MESSAGE",
        "ModelInferResponse, outputs, 5, repeated, MESSAGE",
        "ModelInferResponse, raw_output_contents, 6, repeated, BYTES",
        "ModelInferResponse.InferOutputTensor, name, 1, single, STRING",
        "ModelInferResponse.InferOutputTensor, datatype, 2, single, STRING",
        "ModelInferResponse.InferOutputTensor, shape, 3, repeated, INT64",
        "ModelInferResponse.InferOutputTensor, parameters, 4, repeated, MESSAGE",
        "ModelInferResponse.InferOutputTensor, contents, 5, single, MESSAGE",
        "InferParameter, bool_param, 1, single, BOOL",
        "InferParameter, int64_param, 2, single, INT64",
        "InferParameter, string_param, 3, single, STRING",
        "InferParameter, double_param, 4, single, DOUBLE",
        "InferParameter, uint64_param, 5, single, UINT64",
        "InferTensorContents, bool_contents, 1, repeated, BOOL",
        "InferTensorContents, int_contents, 2, repeated, INT32",
        "InferTensorContents, int64_contents, 3, repeated, INT64",
        "InferTensorContents, uint_contents, 4, repeated, UINT32",
        "InferTensorContents, uint64_contents, 5, repeated, UINT64",
        "InferTensorContents, fp32_contents, 6, repeated, FLOAT",
        "InferTensorContents, fp64_contents, 7, repeated, DOUBLE",
        "InferTensorContents, bytes_contents, 8, repeated, BYTES",
    })
    void fieldHasTheSpecificationsNumberAndType(
            String message, String field, int number, String cardinality, Type type) {
        Descriptor descriptor = message(message);
        FieldDescriptor f = descriptor.findFieldByName(field);
        assertNotNull(f, message + " has no field " + field);
        assertEquals(number, f.getNumber(), message + "." + field);
        assertEquals(type, f.getType(), message + "." + field);
        assertEquals(cardinality.equals("repeated"), f.isRepeated(), message + "." + field);
    }

    private static Descriptor message(String dottedName) {
        String[] parts = dottedName.split("\\.");
        Descriptor d = GrpcInferenceProto.getDescriptor().findMessageTypeByName(parts[0]);
        for (int i = 1; d != null && i < parts.length; i++) {
            d = d.findNestedTypeByName(parts[i]);
        }
        assertNotNull(d, "no message " + dottedName);
        return d;
    }
}
