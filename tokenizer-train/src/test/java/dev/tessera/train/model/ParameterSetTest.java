package dev.tessera.train.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

class ParameterSetTest {

    private static FloatTensor tensor(long[] shape, float... data) {
        return new FloatTensor(shape, data);
    }

    @Test
    void putMakesTrainableParametersAndPutBufferMakesBuffers() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterSet params = new ParameterSet(manager);
            NDArray w = params.put("w", tensor(new long[] {2, 3}, 1, 2, 3, 4, 5, 6));
            params.put("b", tensor(new long[] {3}, 0, 0, 0));
            params.putBuffer("ema", tensor(new long[] {4}, 1, 1, 1, 1));
            params.putBuffer("count", tensor(new long[] {1}, 7));

            assertSame(w, params.get("w"));
            assertEquals(new Shape(2, 3), w.getShape());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, w.toFloatArray());
            assertTrue(params.trainable("w"));
            assertTrue(params.trainable("b"));
            assertFalse(params.trainable("ema"));
            // Sorted, buffers only.
            assertEquals(List.of("count", "ema"), List.copyOf(params.bufferNames()));
            // 6 + 3 trainable values; the 5 buffer values do not count.
            assertEquals(9, params.count());
            assertEquals(List.of("w", "b", "ema", "count"), List.copyOf(params.arrays().keySet()));
        }
    }

    @Test
    void assignOverwritesABufferInPlace() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterSet params = new ParameterSet(manager);
            NDArray ema = params.putBuffer("ema", tensor(new long[] {2, 2}, 1, 2, 3, 4));
            params.assign("ema", tensor(new long[] {2, 2}, -1, 0.5f, 8, 9));
            assertSame(ema, params.get("ema"));
            assertArrayEquals(new float[] {-1, 0.5f, 8, 9}, ema.toFloatArray());
        }
    }

    @Test
    void assignRefusesTrainedParametersAndOtherShapes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterSet params = new ParameterSet(manager);
            params.put("w", tensor(new long[] {2}, 1, 2));
            params.putBuffer("ema", tensor(new long[] {2, 2}, 1, 2, 3, 4));
            IllegalArgumentException trained =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> params.assign("w", tensor(new long[] {2}, 3, 4)));
            assertTrue(trained.getMessage().contains("w is a trained parameter"));
            IllegalArgumentException shape =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> params.assign("ema", tensor(new long[] {4}, 1, 2, 3, 4)));
            assertTrue(shape.getMessage().contains("(2, 2)"), shape.getMessage());
            assertTrue(shape.getMessage().contains("(4)"), shape.getMessage());
            assertArrayEquals(new float[] {1, 2, 3, 4}, params.get("ema").toFloatArray());
        }
    }

    @Test
    void getOfAnUnknownNameListsTheKnownOnes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterSet params = new ParameterSet(manager);
            params.put("w", tensor(new long[] {1}, 1));
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> params.get("v"));
            assertEquals("no parameter named v; have [w]", e.getMessage());
        }
    }

    @Test
    void loadRestoresOrderValuesAndWhichAreBuffers() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, FloatTensor> saved = new LinkedHashMap<>();
            saved.put("z", tensor(new long[] {2}, 1.5f, -2));
            saved.put("ema", tensor(new long[] {1, 3}, 7, 8, 9));
            saved.put("a", tensor(new long[] {1}, 3));
            ParameterSet params = new ParameterSet(manager);
            params.load(saved, Set.of("ema"));

            assertEquals(List.of("z", "ema", "a"), List.copyOf(params.arrays().keySet()));
            assertEquals(Set.of("ema"), params.bufferNames());
            assertEquals(3, params.count());
            assertTrue(params.trainable("z"));
            assertEquals(saved, params.snapshot());
        }
    }

    @Test
    void snapshotCopiesEveryTensorToTheHeap() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterSet params = new ParameterSet(manager);
            params.put("w", tensor(new long[] {2}, 1, 2));
            params.putBuffer("ema", tensor(new long[] {1}, 5));
            Map<String, FloatTensor> snapshot = params.snapshot();
            params.assign("ema", tensor(new long[] {1}, 6));
            assertEquals(tensor(new long[] {1}, 5), snapshot.get("ema"));
            assertEquals(tensor(new long[] {2}, 1, 2), snapshot.get("w"));
        }
    }

    @Test
    void replacingATensorKeepsItsPlaceAndTakesTheNewKind() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterSet params = new ParameterSet(manager);
            params.put("a", tensor(new long[] {1}, 1));
            params.put("b", tensor(new long[] {1}, 2));
            params.putBuffer("a", tensor(new long[] {2}, 3, 4));
            assertEquals(List.of("a", "b"), List.copyOf(params.arrays().keySet()));
            assertFalse(params.trainable("a"));
            assertEquals(1, params.count());
            assertArrayEquals(new float[] {3, 4}, params.get("a").toFloatArray());
        }
    }
}
