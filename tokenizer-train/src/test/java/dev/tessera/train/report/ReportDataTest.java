package dev.tessera.train.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.runtime.ImageBatch;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

class ReportDataTest {

    private static final ImageBatch FOUR = new ImageBatch(4, 1, 2, 2, new byte[16]);

    @Test
    void keepsTheCallersOrderAndIgnoresLaterChanges() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("z", "1");
        config.put("a", "2");
        long[] counts = {1, 2};
        ReportData data = new ReportData("t", Map.of(), config, List.of(), counts, null, null);

        config.put("m", "3");
        counts[0] = 99;

        assertEquals(List.of("z", "a"), List.copyOf(data.config().keySet()));
        assertEquals(1, data.codeCounts()[0]);
    }

    @Test
    void rejectsInconsistentData() {
        ImageBatch three = new ImageBatch(3, 1, 2, 2, new byte[12]);
        assertThrows(
                IllegalArgumentException.class,
                () -> new ReportData("t", Map.of(), Map.of(), List.of(), new long[1], FOUR, null));
        assertThrows(
                IllegalArgumentException.class,
                () -> new ReportData("t", Map.of(), Map.of(), List.of(), new long[1], FOUR, three));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new ReportData(
                                "t",
                                Map.of(),
                                Map.of(),
                                List.of(),
                                new long[] {2, -1},
                                null,
                                null));
    }
}
