package dev.tessera.runtime.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.api.v1.TokenizerManifest;
import dev.tessera.runtime.testing.ToyTokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

class TokenizerDirectoryTest {

    @TempDir Path temp;

    @Test
    void sha256OfKnownBytes() throws Exception {
        Path file = temp.resolve("abc");
        Files.writeString(file, "abc", StandardCharsets.US_ASCII);
        assertEquals(
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                TokenizerDirectory.sha256(file));
    }

    @Test
    void manifestJsonRoundTrips() throws Exception {
        Path dir = ToyTokenizer.gray("toy", "1").writeTo(temp);
        TokenizerManifest written =
                TokenizerDirectory.withChecksums(dir, ToyTokenizer.gray("toy", "1").manifest());
        TokenizerManifest read = TokenizerDirectory.readManifest(dir);
        assertEquals(written, read);
        assertEquals(
                Set.of("encoder.onnx", "decoder.onnx", "codebook.npy", "report.html"),
                read.getSha256Map().keySet());
        assertEquals(ManifestJson.print(read), Files.readString(dir.resolve("tessera.json")));
        assertEquals(read, ManifestJson.parse(ManifestJson.print(read)));
        assertEquals(0.0125, read.getMetricsOrThrow("mse"));
    }

    @Test
    void printsDefaultsAndSortedKeys() {
        TokenizerManifest m =
                ToyTokenizer.gray("toy", "1").manifest().toBuilder()
                        .putSha256("z.png", "00")
                        .putSha256("a.onnx", "11")
                        .build();
        String json = ManifestJson.print(m);
        assertTrue(json.indexOf("\"a.onnx\"") < json.indexOf("\"z.png\""), json);
        assertTrue(json.contains("\"wall_seconds\": 0.0"), json);
    }

    @Test
    void textThatIsNoManifestIsRefusedNamingTheFile() {
        TokenizerLoadException e =
                assertThrows(
                        TokenizerLoadException.class,
                        () -> ManifestJson.parse("{\"schema_version\": \"one\"}"));
        assertTrue(
                e.getMessage().startsWith("tessera.json is not a valid manifest"), e.getMessage());
    }

    @Test
    void unknownSchemaVersionIsRefused() throws Exception {
        Path dir = ToyTokenizer.gray("toy", "1").writeTo(temp);
        TokenizerManifest m =
                TokenizerDirectory.readManifest(dir).toBuilder().setSchemaVersion(2).build();
        TokenizerDirectory.writeManifest(dir, m);
        TokenizerLoadException e =
                assertThrows(
                        TokenizerLoadException.class, () -> TokenizerDirectory.readManifest(dir));
        assertTrue(
                e.getMessage().startsWith("tessera.json: schema_version 2 is not supported"),
                e.getMessage());
    }

    @Test
    void incompleteManifestListsEveryProblem() {
        TokenizerManifest m =
                ToyTokenizer.gray("", "1").manifest().toBuilder().setCodebookSize(0).build();
        TokenizerLoadException e =
                assertThrows(TokenizerLoadException.class, () -> ManifestSchema.check(m));
        assertEquals(
                "tessera.json is invalid: name: expected a non-empty string; "
                        + "codebook_size: expected ≥ 1, got 0",
                e.getMessage());
    }

    @Test
    void missingFileIsRefusedNamingIt() throws Exception {
        Path dir = ToyTokenizer.gray("toy", "1").writeTo(temp);
        Files.delete(dir.resolve("codebook.npy"));
        TokenizerLoadException e =
                assertThrows(
                        TokenizerLoadException.class,
                        () -> TokenizerDirectory.verify(dir, TokenizerDirectory.readManifest(dir)));
        assertTrue(e.getMessage().startsWith("codebook.npy: missing from "), e.getMessage());
    }

    @Test
    void modifiedReportIsRefusedNamingIt() throws Exception {
        Path dir = ToyTokenizer.gray("toy", "1").writeTo(temp);
        TokenizerManifest m = TokenizerDirectory.readManifest(dir);
        Files.writeString(dir.resolve("report.html"), "edited");
        TokenizerLoadException e =
                assertThrows(TokenizerLoadException.class, () -> TokenizerDirectory.verify(dir, m));
        String expected =
                "report.html: SHA-256 mismatch (manifest "
                        + m.getSha256OrThrow("report.html").substring(0, 12)
                        + "…, file "
                        + TokenizerDirectory.sha256(dir.resolve("report.html")).substring(0, 12)
                        + "…); the tokenizer directory is corrupt or was modified";
        assertEquals(expected, e.getMessage());
    }

    @Test
    void requiredFileWithoutChecksumIsRefused() throws Exception {
        Path dir = ToyTokenizer.gray("toy", "1").writeTo(temp);
        TokenizerManifest m =
                TokenizerDirectory.readManifest(dir).toBuilder()
                        .removeSha256("decoder.onnx")
                        .build();
        TokenizerLoadException e =
                assertThrows(TokenizerLoadException.class, () -> TokenizerDirectory.verify(dir, m));
        assertTrue(
                e.getMessage().startsWith("decoder.onnx: no SHA-256 in tessera.json"),
                e.getMessage());
    }

    @Test
    void pathOutsideTheDirectoryIsRefused() throws Exception {
        Path dir = ToyTokenizer.gray("toy", "1").writeTo(temp);
        TokenizerManifest m =
                TokenizerDirectory.readManifest(dir).toBuilder()
                        .putSha256("../elsewhere", "00")
                        .build();
        TokenizerLoadException e =
                assertThrows(TokenizerLoadException.class, () -> TokenizerDirectory.verify(dir, m));
        assertTrue(
                e.getMessage().startsWith("../elsewhere: not a file of the tokenizer directory"),
                e.getMessage());
    }
}
