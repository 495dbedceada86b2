package dev.tessera.runtime.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.api.v1.ModelRef;
import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.onnx.TokenizerClosedException;
import dev.tessera.runtime.testing.ToyImages;
import dev.tessera.runtime.testing.ToyTokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

class ModelRegistryTest {

    @TempDir Path temp;

    private static ModelRef ref(String name, String version) {
        return ModelRef.newBuilder().setName(name).setVersion(version).build();
    }

    @Test
    void versionsCompareNumericallyPartByPart() {
        List<String> versions =
                new ArrayList<>(
                        List.of("10", "9", "1.10", "1.9", "2", "1", "1.9.1", "beta", "01", "1a"));
        versions.sort(VersionOrder.INSTANCE);
        assertEquals(
                List.of("01", "1", "1.9", "1.9.1", "1.10", "2", "9", "10", "1a", "beta"), versions);
    }

    @Test
    void emptyNameSelectsTheOnlyModelAndEmptyVersionTheHighest() throws Exception {
        try (ModelRegistry registry = new ModelRegistry()) {
            for (String v : List.of("2", "10", "9")) {
                registry.register(Tokenizer.open(ToyTokenizer.gray("solo", v).writeTo(temp)));
            }
            assertEquals("10", registry.resolve(ModelRef.getDefaultInstance()).version());
            assertEquals("9", registry.resolve(ref("", "9")).version());
            assertEquals("solo", registry.resolve(ref("solo", "")).name());
            assertEquals(
                    List.of("2", "9", "10"),
                    registry.all().stream().map(Tokenizer::version).toList());
        }
    }

    @Test
    void emptyNameWithSeveralModelsNamesTheField() throws Exception {
        try (ModelRegistry registry = new ModelRegistry()) {
            registry.register(Tokenizer.open(ToyTokenizer.gray("a", "1").writeTo(temp)));
            registry.register(Tokenizer.open(ToyTokenizer.gray("b", "1").writeTo(temp)));
            InvalidInputException e =
                    assertThrows(
                            InvalidInputException.class,
                            () -> registry.resolve(ModelRef.getDefaultInstance()));
            assertEquals("model.name", e.field());
            assertEquals(
                    "model.name: expected one of [a, b] (the server holds 2 models), got an empty"
                            + " name",
                    e.getMessage());
        }
    }

    @Test
    void unknownNamesAndVersionsSayWhatExists() throws Exception {
        try (ModelRegistry registry = new ModelRegistry()) {
            UnknownModelException none =
                    assertThrows(
                            UnknownModelException.class,
                            () -> registry.resolve(ModelRef.getDefaultInstance()));
            assertEquals("model.name: the server holds no models", none.getMessage());
            registry.register(Tokenizer.open(ToyTokenizer.gray("a", "1").writeTo(temp)));
            UnknownModelException name =
                    assertThrows(UnknownModelException.class, () -> registry.resolve(ref("z", "")));
            assertEquals("model.name", name.field());
            UnknownModelException version =
                    assertThrows(
                            UnknownModelException.class, () -> registry.resolve(ref("a", "2")));
            assertEquals("model.version", version.field());
            assertEquals(
                    "model.version: model \"a\" has no version \"2\"; it has [1]",
                    version.getMessage());
        }
    }

    @Test
    void sameNameAndVersionTwiceIsRefused() throws Exception {
        try (ModelRegistry registry = new ModelRegistry()) {
            Path dir = ToyTokenizer.gray("a", "1").writeTo(temp);
            registry.register(Tokenizer.open(dir));
            try (Tokenizer again = Tokenizer.open(dir)) {
                IllegalArgumentException e =
                        assertThrows(
                                IllegalArgumentException.class, () -> registry.register(again));
                assertTrue(e.getMessage().contains("registered twice"), e.getMessage());
            }
        }
    }

    @Test
    void replacingAVersionKeepsTheOldOneOpenUntilItsCallsFinish() throws Exception {
        try (ModelRegistry registry = new ModelRegistry()) {
            Path dir = ToyTokenizer.gray("a", "1").writeTo(temp);
            Tokenizer first = Tokenizer.open(dir);
            registry.install(first);
            ModelLease call = registry.acquire(ref("a", "1"));
            Tokenizer second = Tokenizer.open(dir);
            registry.install(second);
            assertSame(second, registry.resolve(ref("a", "1")));
            assertArrayEquals(ToyImages.QUADRANT_TOKENS, first.encode(quadrants()).ids());
            call.close();
            call.close(); // a lease releases once
            assertThrows(TokenizerClosedException.class, () -> first.encode(quadrants()));
            assertArrayEquals(ToyImages.QUADRANT_TOKENS, second.encode(quadrants()).ids());
        }
    }

    @Test
    void closeLetsCallsInFlightFinishThenClosesTheirModel() throws Exception {
        ModelRegistry registry = new ModelRegistry();
        Tokenizer t = Tokenizer.open(ToyTokenizer.gray("a", "1").writeTo(temp));
        registry.register(t);
        ModelLease call = registry.acquire(ref("", ""));
        registry.close();
        assertTrue(registry.names().isEmpty());
        assertThrows(IllegalStateException.class, () -> registry.install(t));
        assertArrayEquals(ToyImages.QUADRANT_TOKENS, t.encode(quadrants()).ids());
        call.close();
        assertThrows(TokenizerClosedException.class, () -> t.encode(quadrants()));
    }

    @Test
    void namesThatCouldLeaveTheRepositoryAreInvalidRequests() throws Exception {
        try (ModelRegistry registry = new ModelRegistry()) {
            registry.register(Tokenizer.open(ToyTokenizer.gray("a", "1").writeTo(temp)));
            for (String bad : List.of("..", "../a", "/etc/passwd", "a/b", "a\\b", ".a", "a\0")) {
                InvalidInputException e =
                        assertThrows(
                                InvalidInputException.class, () -> registry.resolve(ref(bad, "")));
                assertEquals("model.name", e.field(), bad);
                assertTrue(
                        e.getMessage().startsWith("model.name: expected a name of at most 128"),
                        e.getMessage());
                InvalidInputException v =
                        assertThrows(
                                InvalidInputException.class, () -> registry.resolve(ref("a", bad)));
                assertEquals("model.version", v.field(), bad);
            }
            assertEquals(
                    "model.name: expected a name of at most 128 characters without '/', '\\',"
                        + " control characters or a leading dot, got \"../a\", which starts with a"
                        + " dot",
                    assertThrows(
                                    InvalidInputException.class,
                                    () -> registry.resolve(ref("../a", "")))
                            .getMessage());
            assertEquals("is 129 characters long, over 128", ModelNames.problem("x".repeat(129)));
            assertEquals(null, ModelNames.problem("synthetic-shapes_v2.1+build ü"));
        }
    }

    @Test
    void aManifestNameThatCouldNotBeRequestedIsRefusedAtRegistration() throws Exception {
        try (ModelRegistry registry = new ModelRegistry();
                Tokenizer hidden =
                        Tokenizer.open(ToyTokenizer.gray(".hidden", "1").writeTo(temp))) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> registry.register(hidden));
            assertEquals(
                    "model name \".hidden\" in its manifest cannot be served: it starts with a"
                            + " dot; re-export with a plain name",
                    e.getMessage());
        }
    }

    private static dev.tessera.runtime.ImageBatch quadrants() {
        return ToyImages.grayBatch(ToyImages.quadrants());
    }
}
