package dev.tessera.runtime.artifact;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;

import dev.tessera.api.v1.TokenizerManifest;

/**
 * The JSON form of {@link TokenizerManifest}, as stored in {@code tokenizer.json}.
 *
 * <p>Written with protobuf's JsonFormat, every field printed (defaults included, so the file
 * documents its own layout) and map keys sorted (so identical manifests give identical bytes). Read
 * strictly: an unknown field is an error, not silently dropped.
 */
public final class ManifestJson {

    private ManifestJson() {}

    /** The manifest as JSON text, ending in a newline. */
    public static String print(TokenizerManifest manifest) {
        try {
            return JsonFormat.printer()
                            .alwaysPrintFieldsWithNoPresence()
                            .sortingMapKeys()
                            .print(manifest)
                    + "\n";
        } catch (InvalidProtocolBufferException e) {
            // Only Any fields without a type registry fail to print; the manifest has none.
            throw new IllegalStateException("cannot print manifest as JSON", e);
        }
    }

    /**
     * Parses JSON text into a manifest, without checking its content (see {@link ManifestSchema}).
     *
     * @throws TokenizerLoadException naming {@code tokenizer.json} if the text is not a manifest
     */
    public static TokenizerManifest parse(String json) {
        TokenizerManifest.Builder builder = TokenizerManifest.newBuilder();
        try {
            JsonFormat.parser().merge(json, builder);
        } catch (InvalidProtocolBufferException e) {
            throw new TokenizerLoadException(
                    TokenizerDirectory.MANIFEST + " is not a valid manifest: " + e.getMessage(), e);
        }
        return builder.build();
    }
}
