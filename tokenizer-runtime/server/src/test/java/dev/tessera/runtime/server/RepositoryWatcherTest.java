package dev.tessera.runtime.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.api.v1.ModelRef;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.onnx.TokenizerClosedException;
import dev.tessera.runtime.onnx.TokenizerOptions;
import dev.tessera.runtime.artifact.TokenizerDirectory;
import dev.tessera.runtime.testing.ToyImages;
import dev.tessera.runtime.testing.ToyTokenizer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

class RepositoryWatcherTest {

    private static final ModelRef TOY = ModelRef.newBuilder().setName("toy").build();

    @TempDir Path temp;
    private RepositoryFixture repo;
    private ModelRegistry registry;
    private RepositoryWatcher watcher;
    private LogCapture log;

    @BeforeEach
    void setUp() throws Exception {
        repo = new RepositoryFixture(temp.resolve("models"));
        registry = new ModelRegistry();
        watcher =
                new RepositoryWatcher(
                        new ModelRepository(repo.root),
                        registry,
                        TokenizerOptions.defaults(),
                        new RepositoryWatcher.Listener() {});
        log = new LogCapture(RepositoryWatcher.class);
    }

    @AfterEach
    void tearDown() {
        log.close();
        watcher.close();
        registry.close();
    }

    private String servedVersion() {
        return registry.resolve(TOY).version();
    }

    @Test
    void newVersionsAreLoadedAndRemovedOnesDropAfterTheirCallsFinish() throws Exception {
        repo.add("toy", "1");
        RepositoryWatcher.ScanReport first = watcher.scan();
        assertEquals(
                List.of("toy:1"),
                first.loaded().keySet().stream().map(t -> t.name() + ":" + t.version()).toList());
        repo.add("toy", "10");
        repo.add("toy", "9");
        RepositoryWatcher.ScanReport second = watcher.scan();
        assertEquals(2, second.loaded().size());
        assertEquals("10", servedVersion(), "the highest version is the default");
        assertTrue(watcher.scan().loaded().isEmpty(), "nothing changed, nothing reloaded");

        // A call holds version 10 while its directory disappears.
        ModelLease inFlight = registry.acquire(TOY);
        repo.remove("toy", "10");
        assertEquals(List.of("toy:10"), watcher.scan().removed());
        assertEquals("9", servedVersion());
        Tokenizer held = inFlight.tokenizer();
        assertArrayEquals(
                ToyImages.QUADRANT_TOKENS,
                held.encode(ToyImages.grayBatch(ToyImages.quadrants())).ids(),
                "a removed model still answers the call that holds it");
        inFlight.close();
        assertThrows(
                TokenizerClosedException.class,
                () -> held.encode(ToyImages.grayBatch(ToyImages.quadrants())),
                "and closes once that call is done");
        assertTrue(
                log.linesContaining("event=model_removed model=toy version=10").size() == 1,
                log.lines.toString());
    }

    @Test
    void aCorruptedEncoderIsRefusedWithOneLineNamingTheFileAndTheOldVersionKeepsServing()
            throws Exception {
        repo.add("toy", "1");
        watcher.scan();
        Path v2 = repo.add("toy", "2");
        Path encoder = v2.resolve(TokenizerDirectory.ENCODER);
        byte[] bytes = Files.readAllBytes(encoder);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(encoder, bytes);

        RepositoryWatcher.ScanReport report = watcher.scan();
        assertEquals(List.of("toy:2"), report.refused());
        assertEquals("1", servedVersion(), "the serving version keeps serving");
        List<String> refused = log.linesContaining("event=model_refused");
        assertEquals(1, refused.size(), log.lines.toString());
        String line = refused.get(0);
        assertTrue(line.startsWith("event=model_refused model=toy version=2 dir="), line);
        assertTrue(line.contains(" file=" + encoder + " "), line);
        assertTrue(line.contains("reason=\"encoder.onnx: SHA-256 mismatch (manifest "), line);
        assertTrue(line.contains("action=\"not served\""), line);

        watcher.scan();
        assertEquals(1, log.linesContaining("event=model_refused").size(), "not retried unchanged");

        // Repairing the file makes the next scan load it.
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(encoder, bytes);
        // Same size, same bytes as first written: only a new modification time tells the change.
        FileTime written = Files.getLastModifiedTime(encoder);
        Files.setLastModifiedTime(encoder, FileTime.fromMillis(written.toMillis() + 5_000));
        assertEquals(1, watcher.scan().loaded().size());
        assertEquals("2", servedVersion());
    }

    @Test
    void aGraphOnnxRuntimeCannotLoadIsRefusedEvenWithAMatchingChecksum() throws Exception {
        Path v1 = repo.add("toy", "1");
        Files.writeString(v1.resolve(TokenizerDirectory.ENCODER), "not an onnx graph");
        TokenizerDirectory.writeManifest(
                v1, TokenizerDirectory.withChecksums(v1, ToyTokenizer.gray("toy", "1").manifest()));
        assertEquals(List.of("toy:1"), watcher.scan().refused());
        String line = log.linesContaining("event=model_refused").get(0);
        assertTrue(line.contains(" file=" + v1.resolve("encoder.onnx") + " "), line);
        assertTrue(line.contains("ONNX Runtime cannot load the graphs"), line);
        assertTrue(registry.names().isEmpty());
    }

    @Test
    void aManifestThatDoesNotMatchItsPathIsRefused() throws Exception {
        Path written = ToyTokenizer.gray("other", "5").writeTo(temp);
        Files.createDirectories(repo.root.resolve("toy"));
        Files.move(written, repo.root.resolve("toy").resolve("3"));
        assertEquals(List.of("toy:3"), watcher.scan().refused());
        String line = log.linesContaining("event=model_refused").get(0);
        assertTrue(
                line.contains(
                        "reason=\"tessera.json: name \\\"other\\\" and version \\\"5\\\" do not"
                                + " match the repository path toy/3;"),
                line);
    }

    @Test
    void hiddenDirectoriesAndStrayFilesAreNotModels() throws Exception {
        ToyTokenizer.gray("toy", "1").writeTo(repo.root.resolve(".toy.tmp-123"));
        Files.writeString(repo.root.resolve("README"), "models live here");
        Files.createDirectories(repo.root.resolve("toy"));
        Files.writeString(repo.root.resolve("toy").resolve("notes.txt"), "v1 soon");
        RepositoryWatcher.ScanReport report = watcher.scan();
        assertTrue(report.loaded().isEmpty() && report.refused().isEmpty(), report.toString());
        assertTrue(registry.names().isEmpty());
    }

    @Test
    void aModelGivenWithModelWinsOverTheRepository() throws Exception {
        registry.register(Tokenizer.open(ToyTokenizer.gray("toy", "1").writeTo(temp)));
        repo.add("toy", "1");
        assertEquals(List.of("toy:1"), watcher.scan().refused());
        assertTrue(log.linesContaining("already served from a --model directory").size() == 1);
        repo.remove("toy", "1");
        watcher.scan();
        assertEquals("1", servedVersion(), "the repository never removes what it did not add");
    }

    @Test
    void anUnreadableRepositoryIsAnErrorNamingIt() {
        RepositoryWatcher missing =
                new RepositoryWatcher(
                        new ModelRepository(temp.resolve("nowhere")),
                        registry,
                        TokenizerOptions.defaults(),
                        new RepositoryWatcher.Listener() {});
        java.io.IOException e = assertThrows(java.io.IOException.class, missing::scan);
        assertEquals(
                "model repository "
                        + temp.resolve("nowhere")
                        + " is not a directory; create it or fix --models",
                e.getMessage());
    }
}
