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
 * writing {@code tokenizer.json}, SHA-256 checksums, and verification of a directory against its
 * manifest.
 *
 * <p>Checksum keys are paths relative to the directory with {@code /} separators; every file but
 * {@code tokenizer.json} itself is listed. Files present on disk but absent from the manifest are
 * not an error, so that notes can be dropped next to a tokenizer without breaking it.
 */
public final class TokenizerDirectory {

    /** The manifest file. */
    public static final String MANIFEST = "tokenizer.json";

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
     * Reads and checks {@code dir/tokenizer.json} (parse, then {@link ManifestSchema#check}).
     *
     * @throws TokenizerLoadException naming the file if it is missing, unreadable or invalid
     */
    public static TokenizerManifest readManifest(Path dir) {
        Path file = dir.resolve(MANIFEST);
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new TokenizerLoadException(
                    MANIFEST + ": not found in " + dir + "; is this a tokenizer directory?", e);
        } catch (IOException e) {
            throw new TokenizerLoadException(
                    MANIFEST + ": cannot be read (" + e.getMessage() + ")", e);
        }
        TokenizerManifest manifest = ManifestJson.parse(json);
        ManifestSchema.check(manifest);
        return manifest;
    }

    /**
     * Writes {@code dir/tokenizer.json} through a temporary file, so readers never see half a file.
     */
    public static void writeManifest(Path dir, TokenizerManifest manifest) throws IOException {
        Path target = dir.resolve(MANIFEST);
        Path tmp = Files.createTempFile(dir, ".tokenizer", ".json.tmp");
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
     * Checksums of every regular file under {@code dir} except {@code tokenizer.json} and hidden
     * temporary files, keyed by relative path with {@code /} separators, sorted.
     */
    public static Map<String, String> checksums(Path dir) throws IOException {
        Map<String, String> sums = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).collect(Collectors.toList());
        }
        for (Path file : files) {
            String key = relativeName(dir, file);
            if (!key.equals(MANIFEST) && !file.getFileName().toString().startsWith(".")) {
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
        for (String required : REQUIRED_FILES) {
            if (!expected.containsKey(required)) {
                throw new TokenizerLoadException(
                        required
                                + ": no SHA-256 in "
                                + MANIFEST
                                + "; the manifest is incomplete, re-export the tokenizer");
            }
        }
        for (Map.Entry<String, String> entry : new TreeMap<>(expected).entrySet()) {
            verifyFile(dir, entry.getKey(), entry.getValue());
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
                            + ") from codebook_size and code_dim in "
                            + MANIFEST
                            + ", got ("
                            + codebook.rows()
                            + ", "
                            + codebook.cols()
                            + ")");
        }
        return codebook;
    }

    private static void verifyFile(Path dir, String name, String expectedHex) {
        Path file = dir.resolve(name).normalize();
        if (!file.startsWith(dir.normalize()) || name.equals(MANIFEST)) {
            throw new TokenizerLoadException(
                    name
                            + ": not a file of the tokenizer directory; "
                            + MANIFEST
                            + " lists it in sha256"
                            + HINT);
        }
        if (!Files.isRegularFile(file)) {
            throw new TokenizerLoadException(
                    name + ": missing from " + dir + " (listed in " + MANIFEST + ")" + HINT);
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
