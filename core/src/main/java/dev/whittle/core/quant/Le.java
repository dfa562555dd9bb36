package dev.whittle.core.quant;

import dev.whittle.core.tensor.Half;

/** Little-endian stores into block byte arrays. */
final class Le {
    private Le() {}

    /** Stores {@code value} as binary16 and returns the value actually stored (what a reader will see). */
    static float putHalf(byte[] b, int off, float value) {
        short h = Half.fromFloat(value);
        b[off] = (byte) h;
        b[off + 1] = (byte) (h >>> 8);
        return Half.toFloat(h);
    }

    static void putShort(byte[] b, int off, int value) {
        b[off] = (byte) value;
        b[off + 1] = (byte) (value >>> 8);
    }

    static void putInt(byte[] b, int off, int value) {
        putShort(b, off, value);
        putShort(b, off + 2, value >>> 16);
    }
}
