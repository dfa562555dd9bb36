package dev.whittle.engine;

import java.util.Arrays;

/**
 * Keys and values of every layer, F32, one row of kvDim per position. Grows by doubling up to the context
 * limit, so a long limit only costs memory once a sequence actually gets long.
 */
final class KvCache {
    private static final int INITIAL_POSITIONS = 64;

    private final int kvDim;
    private final int limit;
    private final float[][] keys;
    private final float[][] values;
    private int capacity;

    KvCache(int layers, int kvDim, int limit) {
        this.kvDim = kvDim;
        this.limit = limit;
        this.keys = new float[layers][0];
        this.values = new float[layers][0];
    }

    void ensureCapacity(int positions) {
        if (positions <= capacity) return;
        int next = (int) Math.min(limit, Math.max(positions, Math.max(INITIAL_POSITIONS, 2L * capacity)));
        for (int l = 0; l < keys.length; l++) {
            keys[l] = Arrays.copyOf(keys[l], Math.multiplyExact(next, kvDim));
            values[l] = Arrays.copyOf(values[l], Math.multiplyExact(next, kvDim));
        }
        capacity = next;
    }

    /** Writes n rows of k and v (each [n × kvDim]) at positions [start, start+n). */
    void store(int layer, int start, int n, float[] k, float[] v) {
        System.arraycopy(k, 0, keys[layer], start * kvDim, n * kvDim);
        System.arraycopy(v, 0, values[layer], start * kvDim, n * kvDim);
    }

    float[] keys(int layer) {
        return keys[layer];
    }

    float[] values(int layer) {
        return values[layer];
    }
}
