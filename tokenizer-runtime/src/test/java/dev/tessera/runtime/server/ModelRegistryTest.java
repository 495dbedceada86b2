package dev.tessera.runtime.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.api.v1.ModelRef;
import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.Tokenizer;
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
}
