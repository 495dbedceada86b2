package dev.tessera.runtime.artifact;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;

import dev.tessera.api.v1.TokenizerManifest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The JSON form of {@link TokenizerManifest}, as stored in {@code tessera.json}.
 *
 * <p>Written with protobuf's JsonFormat under the proto field names (snake_case, like every other
 * file Tessera writes), every field printed (defaults included, so the file documents its own
 * layout) and map keys sorted (so identical manifests give identical bytes). The manifest's
 * schema is the proto message, so JsonFormat rather than a second, hand-kept mapping (Gson).
 *
 * <p>Read leniently: fields this runtime does not know are skipped, so an older server reads a
 * manifest a newer trainer wrote (an incompatible change raises {@code schema_version} instead),
 * and both snake_case and the lowerCamelCase keys of the {@code tokenizer.json} that directories
 * written before hold are read.
 */
public final class ManifestJson {

    private ManifestJson() {}

    /** The manifest as JSON text, ending in a newline. */
    public static String print(TokenizerManifest manifest) {
        try {
            return JsonFormat.printer()
                            .preservingProtoFieldNames()
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
     * @throws TokenizerLoadException naming {@code tessera.json} if the text is not a manifest
     */
    public static TokenizerManifest parse(String json) {
        return parse(json, TokenizerDirectory.MANIFEST);
    }

    /**
     * Parses the JSON text of the manifest file {@code file}, as {@link #parse(String)}.
     *
     * @throws TokenizerLoadException naming {@code file} if the text is not a manifest
     */
    public static TokenizerManifest parse(String json, String file) {
        TokenizerManifest.Builder builder = TokenizerManifest.newBuilder();
        try {
            JsonFormat.parser().ignoringUnknownFields().merge(json, builder);
        } catch (InvalidProtocolBufferException e) {
            throw new TokenizerLoadException(file + " is not a valid manifest: " + e.getMessage(), e);
        }
        return builder.build();
    }

    /**
     * The SHA-256 (lowercase hex) of the manifest as {@link #print} writes it, with its {@code
     * sha256} map left empty: the manifest's identity as the ONNX graphs record it. The checksums
     * are left out because they cover the graphs, which hold this hash: neither could be computed
     * first. Everything else (name, version, shapes, training, metrics) is covered.
     */
    public static String identityHash(TokenizerManifest manifest) {
        byte[] json =
                print(manifest.toBuilder().clearSha256().build())
                        .getBytes(StandardCharsets.UTF_8);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
