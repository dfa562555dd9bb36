package dev.whittle.datasets;

import java.util.Arrays;

/** A growable int array (token streams reach a few million ids; boxing them would cost 4x the memory). */
final class IntList {
    private int[] data = new int[1024];
    private int size;

    void addAll(int[] values) {
        ensure(size + values.length);
        System.arraycopy(values, 0, data, size, values.length);
        size += values.length;
    }

    void addRange(int[] values, int from, int length) {
        ensure(size + length);
        System.arraycopy(values, from, data, size, length);
        size += length;
    }

    int size() {
        return size;
    }

    int[] toArray() {
        return Arrays.copyOf(data, size);
    }

    private void ensure(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("token stream longer than 2^31 ids");
        }
        if (capacity > data.length) {
            data = Arrays.copyOf(data, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(capacity, 2L * data.length)));
        }
    }
}
