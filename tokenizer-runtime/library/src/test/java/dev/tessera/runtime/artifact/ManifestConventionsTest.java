package dev.tessera.runtime.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.api.v1.TokenizerManifest;
import dev.tessera.onnx.ModelProto;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.OrtEnvironments;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.testing.OldDirectory;
import dev.tessera.runtime.testing.ToyImages;
import dev.tessera.runtime.testing.ToyTokenizer;

import ai.onnxruntime.OrtSession;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The artifact's conventions: the manifest is {@code tessera.json} with snake_case keys, readers
 * skip fields they do not know, directories written before (with {@code tokenizer.json}) still
 * load, and the graphs carry their provenance.
 */
class ManifestConventionsTest {

    @TempDir Path temp;

    @Test
    void manifestIsTesseraJsonWithSnakeCaseKeys() throws Exception {
        Path dir = ToyTokenizer.gray("toy", "1").anySize().writeTo(temp);
        assertFalse(Files.exists(dir.resolve("tokenizer.json")));
        String json = Files.readString(dir.resolve("tessera.json"));
        for (String key :
                new String[] {
                    "schema_version", "codebook_size", "code_dim", "size_multiple", "onnx_opset",
                    "wall_seconds", "batch_size", "learning_rate", "finished_at", "encoder_input",
                    "decoder_output", "encoder_latents"
                }) {
            assertTrue(json.contains("\"" + key + "\": "), key + " in\n" + json);
        }
        Matcher camel = Pattern.compile("\"[a-z]+[A-Z][A-Za-z]*\": ").matcher(json);
        assertFalse(camel.find(), () -> "camelCase key " + camel.group() + " in\n" + json);
    }

    @Test
    void fieldsOfANewerTrainerAreSkipped() throws Exception {
        Path dir = ToyTokenizer.gray("toy", "1").writeTo(temp);
        String json = Files.readString(dir.resolve("tessera.json"));
        String newer =
                json.replaceFirst(
                                "\\{",
                                "{\n  \"colour_space\": \"srgb\",\n  \"augment\": {\"flip\": true},")
                        .replace(
                                "\"dtype\": \"uint8\"",
                                "\"dtype\": \"uint8\", \"max_size\": [1024, 1024]");
        Files.writeString(dir.resolve("tessera.json"), newer);
        try (Tokenizer t = Tokenizer.open(dir)) {
            assertEquals("toy", t.name());
            assertArrayEquals(
                    ToyImages.QUADRANT_TOKENS,
                    t.encode(ToyImages.grayBatch(ToyImages.quadrants())).ids());
        }
    }

    @Test
    void aDirectoryWrittenBeforeLoadsFromItsTokenizerJson() throws Exception {
        Path dir = OldDirectory.copyTo(temp);
        assertEquals("tokenizer.json", TokenizerDirectory.manifestName(dir));
        assertTrue(Files.readString(dir.resolve("tokenizer.json")).contains("\"codebookSize\""));
        try (Tokenizer t = Tokenizer.open(dir)) {
            assertEquals("legacy", t.name());
            assertEquals(0, t.summary().getSizeMultiple());
            TokenBatch tokens = t.encode(ToyImages.grayBatch(ToyImages.quadrants()));
            assertArrayEquals(ToyImages.QUADRANT_TOKENS, tokens.ids());
            assertEquals(ToyImages.QUADRANT_PIXELS[1], t.decode(tokens).pixel(0, 0, 0, 7));
        }
    }

    @Test
    void writingTheManifestOfAnOldDirectoryReplacesItsTokenizerJson() throws Exception {
        Path dir = OldDirectory.copyTo(temp);
        TokenizerManifest m = TokenizerDirectory.readManifest(dir);
        Files.writeString(dir.resolve("notes.txt"), "kept beside the model\n");
        TokenizerDirectory.writeManifest(dir, TokenizerDirectory.withChecksums(dir, m));
        assertFalse(Files.exists(dir.resolve("tokenizer.json")));
        assertEquals("tessera.json", TokenizerDirectory.manifestName(dir));
        TokenizerManifest again = TokenizerDirectory.readManifest(dir);
        assertEquals(m.getName(), again.getName());
        assertTrue(again.getSha256Map().containsKey("notes.txt"));
        Tokenizer.open(dir).close();
    }

    @Test
    void aFolderWithoutManifestNamesBothNames() {
        TokenizerLoadException e =
                assertThrows(
                        TokenizerLoadException.class, () -> TokenizerDirectory.readManifest(temp));
        assertTrue(
                e.getMessage().startsWith("tessera.json: not found in " + temp + " (nor tokenizer"
                        + ".json, its name before)"),
                e.getMessage());
    }

    @Test
    void identityHashCoversEverythingButTheChecksums() {
        TokenizerManifest m = ToyTokenizer.gray("toy", "1").manifest();
        String hash = ManifestJson.identityHash(m);
        assertTrue(hash.matches("[0-9a-f]{64}"), hash);
        assertEquals(hash, ManifestJson.identityHash(m.toBuilder().putSha256("a", "b").build()));
        assertNotEquals(hash, ManifestJson.identityHash(m.toBuilder().putMetrics("mse", 1).build()));
        assertNotEquals(hash, ManifestJson.identityHash(m.toBuilder().setVersion("2").build()));
    }

    @Test
    void provenanceReachesOnnxRuntimeAsCustomMetadata() throws Exception {
        ToyTokenizer toy = ToyTokenizer.gray("toy", "7").anySize();
        TokenizerManifest m = toy.manifest();
        ModelProto stamped = OnnxProvenance.stamp(toy.encoder(), m);
        Path file = temp.resolve("encoder.onnx");
        Files.write(file, OnnxProvenance.stamp(stamped, m).toByteArray());
        assertEquals(7, stamped.getMetadataPropsCount(), "stamping twice keeps one set");
        try (OrtSession session =
                OrtEnvironments.get().createSession(file.toString(), new OrtSession.SessionOptions())) {
            Map<String, String> props = session.getMetadata().getCustomMetadata();
            assertEquals("toy", props.get("tessera.name"));
            assertEquals("7", props.get("tessera.version"));
            assertEquals("16", props.get("tessera.codebook_size"));
            assertEquals("2x2", props.get("tessera.grid"));
            assertEquals("8x8", props.get("tessera.image_size"));
            assertEquals("4", props.get("tessera.size_multiple"));
            assertEquals(ManifestJson.identityHash(m), props.get("tessera.manifest_sha256"));
        }
    }
}
