package dev.tessera.examples.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of the positions a transformer prior has already seen, per block, so that
 * sampling runs each new token through the network once instead of the whole prefix again.
 *
 * <p>Each block's keys and values live in one array [B, heads, h·w, d], allocated at the first
 * position and written in place: growing them by concatenation instead copied the whole prefix at
 * every position, and on MNIST-sized runs that copying took three times as long as the matrix
 * products. The arrays belong to the manager given at construction.
 */
public final class KvCache {

    private final NDManager owner;
    private final int capacity;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int length;

    /**
     * @param owner manager of the cached arrays
     * @param layers transformer blocks
     * @param capacity most positions ever cached: h·w
     */
    public KvCache(NDManager owner, int layers, int capacity) {
        this.owner = owner;
        this.capacity = capacity;
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** Positions cached so far: the position of the next input token. */
    public int length() {
        return length;
    }

    /**
     * Writes the keys and values [B, heads, T, d] of {@code layer}'s new positions after the cached
     * ones and returns views of all of them, [B, heads, length + T, d], owned by the new keys'
     * manager.
     */
    NDArray[] append(int layer, NDArray newKeys, NDArray newValues) {
        long positions = newKeys.getShape().get(2);
        if (length + positions > capacity) {
            throw new IllegalArgumentException(
                    "the cache holds "
                            + capacity
                            + " positions; "
                            + (length + positions)
                            + " asked for");
        }
        if (keys[layer] == null) {
            keys[layer] = allocate(newKeys.getShape());
            values[layer] = allocate(newValues.getShape());
        }
        NDIndex fresh = new NDIndex(":, :, {}:{}, :", length, length + positions);
        keys[layer].set(fresh, newKeys);
        values[layer].set(fresh, newValues);
        NDIndex seen = new NDIndex(":, :, 0:{}, :", length + positions);
        NDManager step = newKeys.getManager();
        NDArray k = keys[layer].get(seen);
        NDArray v = values[layer].get(seen);
        k.attach(step);
        v.attach(step);
        return new NDArray[] {k, v};
    }

    private NDArray allocate(Shape like) {
        return owner.zeros(new Shape(like.get(0), like.get(1), capacity, like.get(3)));
    }

    /** Counts {@code positions} more positions as cached, once every block has appended them. */
    void advance(int positions) {
        length += positions;
    }
}
