package dev.tessera.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.train.cli.Flags.UsageException;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@link Flags#of}, {@link Flags#over} and {@link Flags#values}. */
class FlagsMergeTest {

    private static final Set<String> VALUED = Set.of("steps", "lr", "out");
    private static final Set<String> SWITCHES = Set.of("verbose", "json");

    private static Map<String, String> entries(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    @Test
    void ofReadsValuesAndSwitchesFromAMap() {
        Flags flags =
                Flags.of(
                        entries("steps", "200", "verbose", "true", "json", "false"),
                        VALUED,
                        SWITCHES,
                        "run.json");
        assertEquals(200, flags.integer("steps", 0));
        assertTrue(flags.has("verbose"));
        assertFalse(flags.has("json"), "\"false\" leaves a switch off");
        assertEquals(Map.of("steps", "200", "verbose", "true"), flags.values());
        assertTrue(flags.positional().isEmpty());
    }

    @Test
    void ofRefusesUnknownNamesAndNonBooleanSwitchesNamingTheOrigin() {
        UsageException unknown =
                assertThrows(
                        UsageException.class,
                        () -> Flags.of(entries("stpes", "1"), VALUED, SWITCHES, "run.json"));
        assertEquals("run.json: unknown setting \"stpes\"", unknown.getMessage());
        UsageException notBoolean =
                assertThrows(
                        UsageException.class,
                        () -> Flags.of(entries("verbose", "yes"), VALUED, SWITCHES, "run.json"));
        assertEquals("run.json: \"verbose\" is a switch: true or false", notBoolean.getMessage());
    }

    @Test
    void overPrefersItsOwnValuesAndFillsTheRestFromTheBase() {
        Flags commandLine =
                Flags.parse(new String[] {"pos", "--steps", "10", "--json"}, VALUED, SWITCHES);
        Flags base =
                Flags.of(
                        entries("steps", "500", "lr", "0.01", "verbose", "true"),
                        VALUED,
                        SWITCHES,
                        "base");
        Flags merged = commandLine.over(base);
        assertEquals(10, merged.integer("steps", 0));
        assertEquals(0.01, merged.number("lr", 0), 0);
        assertTrue(merged.has("verbose"));
        assertTrue(merged.has("json"));
        assertEquals(List.of("pos"), merged.positional());
        assertEquals(
                Map.of("steps", "10", "lr", "0.01", "verbose", "true", "json", "true"),
                merged.values());
        // Neither input changed.
        assertFalse(commandLine.has("lr"));
        assertEquals(500, base.integer("steps", 0));
    }

    @Test
    void valuesIsReadOnly() {
        Flags flags = Flags.parse(new String[] {"--steps", "3"}, VALUED, SWITCHES);
        assertThrows(UnsupportedOperationException.class, () -> flags.values().put("lr", "1"));
        assertEquals(Map.of("steps", "3"), flags.values());
    }
}
