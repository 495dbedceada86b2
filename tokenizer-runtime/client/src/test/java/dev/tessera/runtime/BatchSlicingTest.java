package dev.tessera.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.util.List;

class BatchSlicingTest {

    private static final ImageBatch FOUR =
            new ImageBatch(4, 1, 1, 2, new byte[] {0, 1, 10, 11, 20, 21, 30, 31});

    @Test
    void sliceCopiesTheImagesInRange() {
        ImageBatch middle = FOUR.slice(1, 3);
        assertEquals(2, middle.count());
        assertArrayEquals(new byte[] {10, 11, 20, 21}, middle.pixels());
        assertArrayEquals(new byte[] {30, 31}, FOUR.image(3).pixels());
        assertThrows(IndexOutOfBoundsException.class, () -> FOUR.slice(2, 5));
        assertThrows(
                InvalidInputException.class,
                () -> FOUR.slice(2, 2),
                "an empty batch is not a batch");
    }

    @Test
    void slicesConcatenateBackToTheWhole() {
        assertEquals(FOUR, ImageBatch.concat(List.of(FOUR.slice(0, 1), FOUR.slice(1, 4))));
    }

    @Test
    void tokenBatchesConcatenateInOrderAndRefuseOtherShapes() {
        TokenBatch a = new TokenBatch(1, 1, 2, new int[] {1, 2});
        TokenBatch b = new TokenBatch(2, 1, 2, new int[] {3, 4, 5, 6});
        TokenBatch all = TokenBatch.concat(List.of(a, b));
        assertEquals(3, all.count());
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6}, all.ids());
        assertEquals(a, all.grid(0));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                TokenBatch.concat(
                                        List.of(a, new TokenBatch(1, 2, 1, new int[] {1, 2}))));
        assertEquals("token batches differ in shape: [1,1,2] vs [1,2,1]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TokenBatch.concat(List.of()));
    }
}
