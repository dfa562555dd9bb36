package dev.whittle.core.gguf;

import java.util.List;

/**
 * One metadata value with its GGUF type, kept so a file can be written back byte for byte.
 * Scalars hold a boxed Java value: INT8 as Byte, INT16 as Short, INT32 as Integer, INT64 as Long; unsigned
 * ones widened: UINT8 and UINT16 as Integer, UINT32 as Long, UINT64 as Long (two's complement); FLOAT32 as
 * Float, FLOAT64 as Double, BOOL as Boolean, STRING as String (bytes that are not valid UTF-8 are
 * surrogate-escaped, see {@link GgufStrings}; {@link #asBytes()} gives the exact bytes back).
 * Arrays hold {@code elementType} and an unmodifiable List of such values, or of nested GgufValue (each with
 * its own element type) for arrays of arrays.
 */
public record GgufValue(GgufType type, GgufType elementType, Object value) {

    public static GgufValue of(GgufType type, Object value) {
        return new GgufValue(type, null, value);
    }

    public static GgufValue string(String s) { return of(GgufType.STRING, s); }

    public static GgufValue uint8(int v) { return of(GgufType.UINT8, v); }

    public static GgufValue int8(byte v) { return of(GgufType.INT8, v); }

    public static GgufValue uint16(int v) { return of(GgufType.UINT16, v); }

    public static GgufValue int16(short v) { return of(GgufType.INT16, v); }

    public static GgufValue uint32(long v) { return of(GgufType.UINT32, v); }

    public static GgufValue int32(int v) { return of(GgufType.INT32, v); }

    /** An unsigned 64-bit value, given as its two's-complement bits. */
    public static GgufValue uint64(long v) { return of(GgufType.UINT64, v); }

    public static GgufValue int64(long v) { return of(GgufType.INT64, v); }

    public static GgufValue float32(float v) { return of(GgufType.FLOAT32, v); }

    public static GgufValue float64(double v) { return of(GgufType.FLOAT64, v); }

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

    /** A STRING value's exact bytes as stored in the file (invalid UTF-8 included). */
    public byte[] asBytes() {
        return GgufStrings.toBytes(asString());
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
