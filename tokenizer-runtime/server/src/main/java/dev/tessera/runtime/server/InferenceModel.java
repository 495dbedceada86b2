package dev.tessera.runtime.server;

import dev.tessera.api.inference.ModelMetadataResponse.TensorMetadata;
import dev.tessera.api.v1.ModelRef;
import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.onnx.ModelShapes;
import dev.tessera.runtime.onnx.Tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * The two models the Open Inference Protocol sees for each tokenizer {@code NAME}: {@code
 * NAME.encoder} (input {@code pixels} UINT8 [-1, C, H, W] → output {@code tokens} INT32 [-1, h,
 * w]) and {@code NAME.decoder} (the reverse). H, W, h and w are -1 for a model that takes any
 * multiple of its downsampling factor.
 */
enum InferenceModel {
    ENCODER(".encoder", "pixels", "UINT8", "tokens", "INT32"),
    DECODER(".decoder", "tokens", "INT32", "pixels", "UINT8");

    final String suffix;
    final String input;
    final String inputType;
    final String output;
    final String outputType;

    InferenceModel(
            String suffix, String input, String inputType, String output, String outputType) {
        this.suffix = suffix;
        this.input = input;
        this.inputType = inputType;
        this.output = output;
        this.outputType = outputType;
    }

    /**
     * A request's model: which of the two, as the caller named it, and the tokenizer version it
     * selects (an empty version: the highest).
     */
    record Target(InferenceModel kind, String name, ModelRef ref) {}

    /**
     * The model {@code name} and {@code version} select, checked against what the registry holds.
     *
     * @throws InvalidInputException naming {@code model_name} or {@code model_version} if either is
     *     empty where it may not be or malformed
     * @throws UnknownModelException naming {@code model_name} or {@code model_version} if the
     *     server holds no such model or version
     */
    static Target resolve(String name, String version, ModelRegistry registry) {
        if (name.isEmpty()) {
            throw new InvalidInputException(
                    "model_name",
                    "model_name: expected NAME.encoder or NAME.decoder, got an empty name");
        }
        for (InferenceModel kind : values()) {
            if (name.endsWith(kind.suffix)) {
                String tokenizer = name.substring(0, name.length() - kind.suffix.length());
                ModelNames.check("model_name", tokenizer);
                ModelNames.check("model_version", version);
                if (!tokenizer.isEmpty() && !registry.versions(tokenizer).isEmpty()) {
                    checkVersion(name, version, registry.versions(tokenizer));
                    return new Target(
                            kind,
                            name,
                            ModelRef.newBuilder().setName(tokenizer).setVersion(version).build());
                }
            }
        }
        throw new UnknownModelException(
                "model_name",
                "model_name: no model \"" + name + "\"; the server holds " + names(registry));
    }

    private static void checkVersion(String name, String version, List<String> versions) {
        if (!version.isEmpty() && !versions.contains(version)) {
            throw new UnknownModelException(
                    "model_version",
                    "model_version: model \""
                            + name
                            + "\" has no version \""
                            + version
                            + "\"; it has "
                            + versions);
        }
    }

    /** Every model name the protocol sees, sorted. */
    static List<String> names(ModelRegistry registry) {
        List<String> names = new ArrayList<>();
        for (String tokenizer : registry.names()) {
            names.add(tokenizer + DECODER.suffix);
            names.add(tokenizer + ENCODER.suffix);
        }
        return names;
    }

    /** The input's name, datatype and shape for {@code t}. */
    TensorMetadata inputMetadata(Tokenizer t) {
        return metadata(input, inputType, t);
    }

    /** The output's name, datatype and shape for {@code t}. */
    TensorMetadata outputMetadata(Tokenizer t) {
        return metadata(output, outputType, t);
    }

    private static TensorMetadata metadata(String tensor, String datatype, Tokenizer t) {
        ModelShapes shapes = t.shapes();
        boolean any = !shapes.sizes().fixed();
        TensorMetadata.Builder m =
                TensorMetadata.newBuilder().setName(tensor).setDatatype(datatype).addShape(-1);
        if (tensor.equals(ENCODER.input)) {
            m.addShape(shapes.channels())
                    .addShape(any ? -1 : shapes.sizes().height())
                    .addShape(any ? -1 : shapes.sizes().width());
        } else {
            m.addShape(any ? -1 : shapes.gridHeight()).addShape(any ? -1 : shapes.gridWidth());
        }
        return m.build();
    }
}
