package dev.whittle.core.gguf;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * An unmodifiable list over a primitive array holding a numeric or bool GGUF array. Elements are boxed on
 * access to the same Java types as scalar values (see {@link GgufValue}), so a vocabulary's 150k scores cost
 * 4 bytes each instead of a boxed Float per element.
 */
final class PrimitiveArrayList extends AbstractList<Object> implements RandomAccess {
    private final GgufType type;
    private final Object array;
    private final int size;

    PrimitiveArrayList(GgufType type, Object array, int size) {
        this.type = type;
        this.array = array;
        this.size = size;
    }

    @Override
    public int size() { return size; }

    @Override
    public Object get(int i) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException("index " + i + ", size " + size);
        return switch (type) {
            case UINT8 -> Byte.toUnsignedInt(((byte[]) array)[i]);
            case INT8 -> ((byte[]) array)[i];
            case UINT16 -> Short.toUnsignedInt(((short[]) array)[i]);
            case INT16 -> ((short[]) array)[i];
            case UINT32 -> Integer.toUnsignedLong(((int[]) array)[i]);
            case INT32 -> ((int[]) array)[i];
            case UINT64, INT64 -> ((long[]) array)[i];
            case FLOAT32 -> ((float[]) array)[i];
            case FLOAT64 -> ((double[]) array)[i];
            case BOOL -> ((byte[]) array)[i] != 0;
            case STRING, ARRAY -> throw new IllegalStateException("not a primitive type: " + type);
        };
    }
}
