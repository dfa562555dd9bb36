package dev.whittle.core.gguf;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds raw GGUF bytes field by field, straight from the spec and independent of {@link GgufWriter}, so tests
 * can craft both reference files and hostile ones.
 */
final class GgufBytes {
    private ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);

    private GgufBytes room(int n) {
        if (b.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + n)).order(ByteOrder.LITTLE_ENDIAN);
            bigger.put(b.flip());
            b = bigger;
        }
        return this;
    }

    /** magic, version, tensor count, kv count. */
    static GgufBytes header(int version, long tensors, long kvs) {
        return new GgufBytes().u32(GgufFile.MAGIC).u32(version).u64(tensors).u64(kvs);
    }

    GgufBytes u8(int v) { room(1).b.put((byte) v); return this; }

    GgufBytes u16(int v) { room(2).b.putShort((short) v); return this; }

    GgufBytes u32(long v) { room(4).b.putInt((int) v); return this; }

    GgufBytes u64(long v) { room(8).b.putLong(v); return this; }

    GgufBytes f32(float v) { room(4).b.putFloat(v); return this; }

    GgufBytes f64(double v) { room(8).b.putDouble(v); return this; }

    GgufBytes raw(byte... bytes) { room(bytes.length).b.put(bytes); return this; }

    GgufBytes str(String s) { return strBytes(s.getBytes(StandardCharsets.UTF_8)); }

    GgufBytes strBytes(byte[] bytes) { return u64(bytes.length).raw(bytes); }

    /** A key with its type tag. */
    GgufBytes kv(String key, GgufType type) { return str(key).u32(type.id()); }

    /** A tensor info; {@code ne} innermost first. */
    GgufBytes tensor(String name, long[] ne, int ggmlType, long offset) {
        str(name).u32(ne.length);
        for (long d : ne) u64(d);
        return u32(ggmlType).u64(offset);
    }

    /** Zero padding up to a multiple of {@code alignment}. */
    GgufBytes pad(int alignment) {
        while (b.position() % alignment != 0) u8(0);
        return this;
    }

    GgufBytes zeros(int n) { return raw(new byte[n]); }

    int size() { return b.position(); }

    byte[] bytes() { return Arrays.copyOf(b.array(), b.position()); }

    MemorySegment segment() { return MemorySegment.ofArray(bytes()); }
}
