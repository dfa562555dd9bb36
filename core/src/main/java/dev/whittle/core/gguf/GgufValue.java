package dev.whittle.core.gguf;

import java.util.List;

/**
 * One metadata value with its GGUF type, kept so a file can be written back byte for byte.
 * Scalars hold a boxed Java value (Byte/Short/Integer/Long for the integer types, unsigned ones widened:
 * UINT8 as Integer, UINT16 as Integer, UINT32 as Long, UINT64 as Long (two's complement)), Float, Double,
 * Boolean or String. Arrays hold {@code elementType} and a List of such values (or of nested GgufValue
 * for arrays of arrays).
 */
public record GgufValue(GgufType type, GgufType elementType, Object value) {

    public static GgufValue of(GgufType type, Object value) {
        return new GgufValue(type, null, value);
    }

    public static GgufValue string(String s) { return of(GgufType.STRING, s); }

    public static GgufValue uint32(long v) { return of(GgufType.UINT32, v); }

    public static GgufValue int32(int v) { return of(GgufType.INT32, v); }

    public static GgufValue float32(float v) { return of(GgufType.FLOAT32, v); }

    public static GgufValue bool(boolean v) { return of(GgufType.BOOL, v); }

    public static GgufValue array(GgufType elementType, List<?> values) {
        return new GgufValue(GgufType.ARRAY, elementType, List.copyOf(values));
    }

    public boolean isArray() { return type == GgufType.ARRAY; }

    /** The value as a long, for any integer type. */
    public long asLong() {
        return switch (value) {
            case Number n when type != GgufType.FLOAT32 && type != GgufType.FLOAT64 -> n.longValue();
            case Boolean b -> b ? 1 : 0;
            default -> throw new IllegalStateException("not an integer: " + type);
        };
    }

    public double asDouble() {
        if (value instanceof Number n) return n.doubleValue();
        throw new IllegalStateException("not a number: " + type);
    }

    public String asString() {
        if (value instanceof String s) return s;
        throw new IllegalStateException("not a string: " + type);
    }

    public boolean asBoolean() {
        if (value instanceof Boolean b) return b;
        throw new IllegalStateException("not a bool: " + type);
    }

    @SuppressWarnings("unchecked")
    public List<Object> asList() {
        if (type == GgufType.ARRAY) return (List<Object>) value;
        throw new IllegalStateException("not an array: " + type);
    }

    @Override
    public String toString() {
        if (type == GgufType.ARRAY) {
            List<?> l = (List<?>) value;
            return elementType + "[" + l.size() + "]";
        }
        return String.valueOf(value);
    }
}
