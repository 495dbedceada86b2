package dev.tessera.runtime.artifact;

import dev.tessera.api.v1.TokenizerManifest;
import dev.tessera.format.FloatMatrix;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The files of a tokenizer directory (see docs/artifact.md) and the checks on them: reading and
 * writing the manifest {@code tessera.json}, SHA-256 checksums, and verification of a directory
 * against its manifest. Directories written before the manifest's rename hold {@code
 * tokenizer.json} instead; they are read as they are, and writing a manifest into one replaces that
 * file.
 *
 * <p>Checksum keys are paths relative to the directory with {@code /} separators; every file but
 * the manifest itself is listed. Files present on disk but absent from the manifest are not an
 * error, so that notes can be dropped next to a tokenizer without breaking it.
 */
public final class TokenizerDirectory {

    /** The manifest file. */
    public static final String MANIFEST = "tessera.json";

    /**
     * The manifest's name in directories written before it was renamed: the file name Hugging
     * Face's tokenizers library uses, with lowerCamelCase keys.
     */
    public static final String LEGACY_MANIFEST = "tokenizer.json";

    /** The encoder graph, uint8 [N,C,H,W] → int32 [N,h,w]. */
    public static final String ENCODER = "encoder.onnx";

    /** The decoder graph, int32 [N,h,w] → uint8 [N,C,H,W]. */
    public static final String DECODER = "decoder.onnx";

    /** The code vectors, float32 [K,L]. */
    public static final String CODEBOOK = "codebook.npy";

    /** Files a loadable directory must hold, besides the manifest. */
    public static final List<String> REQUIRED_FILES = List.of(ENCODER, DECODER, CODEBOOK);

    private static final String HINT = "; the tokenizer directory is corrupt or was modified";

    private TokenizerDirectory() {}

    /**
     * The name of the manifest file in {@code dir}: {@code tessera.json}, or {@code tokenizer.json}
     * in a directory written before the rename that has no {@code tessera.json}.
     */
    public static String manifestName(Path dir) {
        return !Files.exists(dir.resolve(MANIFEST)) && Files.exists(dir.resolve(LEGACY_MANIFEST))
                ? LEGACY_MANIFEST
                : MANIFEST;
    }

    /**
     * Reads and checks the manifest of {@code dir} (parse, then {@link ManifestSchema#check}):
     * {@code tessera.json}, or {@code tokenizer.json} where a directory written before holds only
     * that.
     *
     * @throws TokenizerLoadException naming the file if it is missing, unreadable or invalid
     */
    public static TokenizerManifest readManifest(Path dir) {
        String name = manifestName(dir);
        String json;
        try {
            json = Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new TokenizerLoadException(
                    MANIFEST
                            + ": not found in "
                            + dir
                            + " (nor "
                            + LEGACY_MANIFEST
                            + ", its name before); is this a tokenizer directory?",
                    e);
        } catch (IOException e) {
            throw new TokenizerLoadException(name + ": cannot be read (" + e.getMessage() + ")", e);
        }
        TokenizerManifest manifest = ManifestJson.parse(json, name);
        ManifestSchema.check(manifest, name);
        return manifest;
    }

    /**
     * Whether {@code dir} holds a manifest under either name, the sign of a tokenizer directory.
     */
    public static boolean hasManifest(Path dir) {
        return Files.isRegularFile(dir.resolve(MANIFEST))
                || Files.isRegularFile(dir.resolve(LEGACY_MANIFEST));
    }

    /**
     * Writes {@code dir/tessera.json} through a temporary file, so readers never see half a file,
     * then deletes a {@code tokenizer.json} of a directory written before: one manifest per
     * directory, and the one written last is what every reader sees.
     */
    public static void writeManifest(Path dir, TokenizerManifest manifest) throws IOException {
        Path target = dir.resolve(MANIFEST);
        Path tmp = Files.createTempFile(dir, ".tessera", ".json.tmp");
        try {
            Files.writeString(tmp, ManifestJson.print(manifest), StandardCharsets.UTF_8);
            try {
                Files.move(
                        tmp,
                        target,
                        StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        Files.deleteIfExists(dir.resolve(LEGACY_MANIFEST));
    }

    /** Lowercase hex SHA-256 of a file's bytes. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest = newDigest();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Checksums of every regular file under {@code dir} except the manifest (under either name) and
     * hidden temporary files, keyed by relative path with {@code /} separators, sorted.
     */
    public static Map<String, String> checksums(Path dir) throws IOException {
        Map<String, String> sums = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).collect(Collectors.toList());
        }
        for (Path file : files) {
            String key = relativeName(dir, file);
            if (!isManifest(key) && !file.getFileName().toString().startsWith(".")) {
                sums.put(key, sha256(file));
            }
        }
        return sums;
    }

    /**
     * The manifest with its {@code sha256} map replaced by the checksums of the files now in {@code
     * dir}. The trainer calls this after writing every other file, then {@link #writeManifest}.
     */
    public static TokenizerManifest withChecksums(Path dir, TokenizerManifest manifest)
            throws IOException {
        return manifest.toBuilder().clearSha256().putAllSha256(checksums(dir)).build();
    }

    /**
     * Verifies that every required file is listed and every listed file exists with the recorded
     * SHA-256.
     *
     * @throws TokenizerLoadException naming the first file that is missing, unlisted or different
     */
    public static void verify(Path dir, TokenizerManifest manifest) {
        Map<String, String> expected = manifest.getSha256Map();
        String manifestName = manifestName(dir);
        for (String required : REQUIRED_FILES) {
            if (!expected.containsKey(required)) {
                throw new TokenizerLoadException(
                        required
                                + ": no SHA-256 in "
                                + manifestName
                                + "; the manifest is incomplete, re-export the tokenizer");
            }
        }
        for (Map.Entry<String, String> entry : new TreeMap<>(expected).entrySet()) {
            verifyFile(dir, manifestName, entry.getKey(), entry.getValue());
        }
    }

    /**
     * Reads {@code codebook.npy} and checks its shape against the manifest's K and L.
     *
     * @throws TokenizerLoadException naming the file if it cannot be read or has another shape
     */
    public static FloatMatrix readCodebook(Path dir, TokenizerManifest m) {
        FloatMatrix codebook;
        try {
            codebook = FloatMatrix.read(dir.resolve(CODEBOOK));
        } catch (IOException e) {
            throw new TokenizerLoadException(
                    CODEBOOK + ": cannot be read (" + e.getMessage() + ")", e);
        }
        if (codebook.rows() != m.getCodebookSize() || codebook.cols() != m.getCodeDim()) {
            throw new TokenizerLoadException(
                    CODEBOOK
                            + ": expected shape ("
                            + m.getCodebookSize()
                            + ", "
                            + m.getCodeDim()
                            + ") from codebook_size and code_dim in the manifest, got ("
                            + codebook.rows()
                            + ", "
                            + codebook.cols()
                            + ")");
        }
        return codebook;
    }

    private static void verifyFile(Path dir, String manifestName, String name, String expectedHex) {
        Path file = dir.resolve(name).normalize();
        if (!file.startsWith(dir.normalize()) || isManifest(name)) {
            throw new TokenizerLoadException(
                    name
                            + ": not a file of the tokenizer directory; "
                            + manifestName
                            + " lists it in sha256"
                            + HINT);
        }
        if (!Files.isRegularFile(file)) {
            throw new TokenizerLoadException(
                    name + ": missing from " + dir + " (listed in " + manifestName + ")" + HINT);
        }
        String actual;
        try {
            actual = sha256(file);
        } catch (IOException e) {
            throw new TokenizerLoadException(name + ": cannot be read (" + e.getMessage() + ")", e);
        }
        if (!actual.equalsIgnoreCase(expectedHex)) {
            throw new TokenizerLoadException(
                    name
                            + ": SHA-256 mismatch (manifest "
                            + abbreviate(expectedHex)
                            + ", file "
                            + abbreviate(actual)
                            + ")"
                            + HINT);
        }
    }

    private static boolean isManifest(String relativeName) {
        return relativeName.equals(MANIFEST) || relativeName.equals(LEGACY_MANIFEST);
    }

    private static String abbreviate(String hex) {
        return hex.length() <= 12 ? hex : hex.substring(0, 12) + "…";
    }

    private static String relativeName(Path dir, Path file) {
        Path rel = dir.relativize(file);
        StringBuilder sb = new StringBuilder();
        for (Path part : rel) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(part);
        }
        return sb.toString();
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
