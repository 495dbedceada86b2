package dev.tessera.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.train.cli.Flags.UsageException;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

class FlagsTest {

    private static final Set<String> VALUED = Set.of("steps", "lr", "out", "seed");
    private static final Set<String> SWITCHES = Set.of("verbose", "json");

    private static Flags parse(String... args) {
        return Flags.parse(args, VALUED, SWITCHES);
    }

    @Test
    void valuedFlagsSwitchesAndPositionalArgumentsAreParsed() {
        Flags flags = parse("train", "--steps", "100", "--verbose", "--lr", "0.003", "data");
        assertEquals(100, flags.integer("steps", 1));
        assertEquals(0.003, flags.number("lr", 1), 1e-15);
        assertTrue(flags.has("verbose"));
        assertFalse(flags.has("json"));
        assertEquals(List.of("train", "data"), flags.positional());
    }

    @Test
    void equalsFormGivesTheValueAfterTheFirstEqualsSign() {
        Flags flags = parse("--steps=1", "--out=a=b", "--seed=-7");
        assertEquals(1, flags.integer("steps", 0));
        assertEquals("a=b", flags.string("out", null));
        assertEquals(-7L, flags.longValue("seed", 0));
    }

    @Test
    void valueMayStartWithADash() {
        Flags flags = parse("--lr", "-1e-3");
        assertEquals(-0.001, flags.number("lr", 0), 1e-15);
    }

    @Test
    void absentFlagsGiveTheFallback() {
        Flags flags = parse();
        assertEquals(1500, flags.integer("steps", 1500));
        assertEquals(9L, flags.longValue("seed", 9L));
        assertEquals(0.5, flags.number("lr", 0.5));
        assertEquals("out", flags.string("out", "out"));
        assertTrue(flags.positional().isEmpty());
    }

    @Test
    void unknownOptionIsAUsageError() {
        UsageException e = assertThrows(UsageException.class, () -> parse("--stpes", "10"));
        assertEquals("unknown option --stpes", e.getMessage());
        UsageException withValue = assertThrows(UsageException.class, () -> parse("--colour=red"));
        assertEquals("unknown option --colour", withValue.getMessage());
    }

    @Test
    void valuedFlagAtTheEndWithoutAValueIsAUsageError() {
        UsageException e = assertThrows(UsageException.class, () -> parse("--verbose", "--steps"));
        assertEquals("--steps needs a value", e.getMessage());
    }

    @Test
    void switchGivenAValueIsAUsageError() {
        UsageException e = assertThrows(UsageException.class, () -> parse("--verbose=yes"));
        assertEquals("--verbose takes no value", e.getMessage());
    }

    @Test
    void numberParseErrorsNameTheFlagAndTheValue() {
        Flags flags = parse("--steps", "ten", "--seed", "1.5", "--lr", "fast");
        UsageException steps = assertThrows(UsageException.class, () -> flags.integer("steps", 0));
        assertEquals("--steps must be a whole number, got 'ten'", steps.getMessage());
        UsageException seed = assertThrows(UsageException.class, () -> flags.longValue("seed", 0));
        assertEquals("--seed must be a whole number, got '1.5'", seed.getMessage());
        UsageException lr = assertThrows(UsageException.class, () -> flags.number("lr", 0));
        assertEquals("--lr must be a number, got 'fast'", lr.getMessage());
    }

    @Test
    void positionalListIsACopy() {
        Flags flags = parse("a");
        assertThrows(UnsupportedOperationException.class, () -> flags.positional().add("b"));
        assertEquals(List.of("a"), flags.positional());
    }
}
