package dev.tessera.runtime.artifact;

import dev.tessera.api.v1.TokenizerManifest;
import dev.tessera.onnx.ModelProto;
import dev.tessera.onnx.StringStringEntryProto;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where an ONNX graph of a tokenizer comes from, written into its {@code metadata_props} so that a
 * graph copied out of its directory (into a Triton repository, a notebook, Netron) still says which
 * model it belongs to: the model's name and version, K, the grid and image size it was trained at,
 * the size multiple, and {@link ManifestJson#identityHash the manifest's hash}. ONNX Runtime hands
 * these back as the model's custom metadata.
 */
public final class OnnxProvenance {

    /** Prefix of every key, so that Tessera's entries never collide with other tools'. */
    public static final String PREFIX = "tessera.";

    private OnnxProvenance() {}

    /** The entries for a manifest, in a fixed order. */
    public static Map<String, String> of(TokenizerManifest m) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put(PREFIX + "name", m.getName());
        props.put(PREFIX + "version", m.getVersion());
        props.put(PREFIX + "codebook_size", Integer.toString(m.getCodebookSize()));
        props.put(PREFIX + "grid", m.getGrid().getHeight() + "x" + m.getGrid().getWidth());
        props.put(
                PREFIX + "image_size", m.getInput().getHeight() + "x" + m.getInput().getWidth());
        props.put(PREFIX + "size_multiple", Integer.toString(m.getInput().getSizeMultiple()));
        props.put(PREFIX + "manifest_sha256", ManifestJson.identityHash(m));
        return props;
    }

    /** {@code model} with the entries of {@code m} in place of any earlier Tessera entries. */
    public static ModelProto stamp(ModelProto model, TokenizerManifest m) {
        ModelProto.Builder b = model.toBuilder().clearMetadataProps();
        for (StringStringEntryProto e : model.getMetadataPropsList()) {
            if (!e.getKey().startsWith(PREFIX)) {
                b.addMetadataProps(e);
            }
        }
        of(m).forEach(
                        (key, value) ->
                                b.addMetadataProps(
                                        StringStringEntryProto.newBuilder()
                                                .setKey(key)
                                                .setValue(value)));
        return b.build();
    }
}
