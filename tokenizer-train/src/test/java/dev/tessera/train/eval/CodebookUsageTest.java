package dev.tessera.train.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CodebookUsageTest {

    @Test
    void handCaseCountsUsageDeadCodesEntropyAndPerplexity() {
        CodebookUsage usage = CodebookUsage.of(new int[] {0, 0, 1, 3}, 4);
        assertArrayEquals(new long[] {2, 1, 0, 1}, usage.counts());
        assertEquals(4, usage.total());
        assertEquals(3, usage.usedCodes());
        assertEquals(0.75, usage.usage(), 1e-12);
        assertEquals(1, usage.deadCodes());
        // H = −(½ ln ½ + ¼ ln ¼ + ¼ ln ¼) = 1.5 ln 2; perplexity e^H = 2^1.5.
        assertEquals(1.0397207708399179, usage.entropy(), 1e-12);
        assertEquals(2.8284271247461903, usage.perplexity(), 1e-12);
    }

    @Test
    void uniformUseOfAllCodesHasPerplexityK() {
        CodebookUsage usage = CodebookUsage.of(new int[] {4, 2, 0, 1, 3, 0, 1, 2, 3, 4}, 5);
        assertEquals(1.0, usage.usage(), 1e-12);
        assertEquals(0, usage.deadCodes());
        assertEquals(Math.log(5), usage.entropy(), 1e-12);
        assertEquals(5.0, usage.perplexity(), 1e-9);
    }

    @Test
    void singleCodeHasZeroEntropyAndPerplexityOne() {
        CodebookUsage usage = CodebookUsage.of(new int[] {7, 7, 7}, 8);
        assertEquals(0.125, usage.usage(), 1e-12);
        assertEquals(7, usage.deadCodes());
        assertEquals(0.0, usage.entropy(), 1e-12);
        assertEquals(1.0, usage.perplexity(), 1e-12);
    }

    @Test
    void outOfRangeTokenIdsAreRefused() {
        IllegalArgumentException high =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> CodebookUsage.of(new int[] {0, 4}, 4));
        assertEquals("token id 4 outside [0, 4)", high.getMessage());
        IllegalArgumentException negative =
                assertThrows(
                        IllegalArgumentException.class, () -> CodebookUsage.of(new int[] {-1}, 4));
        assertEquals("token id -1 outside [0, 4)", negative.getMessage());
    }

    @Test
    void countsOfTheWrongLengthAreRefused() {
        assertThrows(
                IllegalArgumentException.class, () -> new CodebookUsage(4, new long[] {1, 2, 3}));
    }

    @Test
    void countsAreCopiedInAndOut() {
        long[] counts = {1, 0, 2};
        CodebookUsage usage = new CodebookUsage(3, counts);
        counts[1] = 5;
        usage.counts()[0] = 9;
        assertArrayEquals(new long[] {1, 0, 2}, usage.counts());
        assertEquals(2, usage.usedCodes());
    }
}
