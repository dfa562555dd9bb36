package dev.whittle.core.gguf;

import dev.whittle.core.ModelFormatException;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A GGUF file (v2 or v3) opened by memory-mapping: metadata, tensor infos, and tensors as zero-copy views.
 * Every count, length and offset is checked against the bytes actually present before it is used, so a
 * hostile or truncated file gives a {@link ModelFormatException}, never an out-of-memory error or a hang.
 * Close it to unmap; tensors must not be used after that.
 */
public final class GgufFile implements AutoCloseable {
    public static final int MAGIC = 0x46554747; // "GGUF" read little-endian
    public static final int DEFAULT_ALIGNMENT = 32;
    static final int MAX_DIMS = 8;

    private final Path path;
    private final Arena arena;
    private final MemorySegment file;
    private final int version;
    private final Map<String, GgufValue> metadata;
    private final List<GgufTensorInfo> tensorInfos;
    private final long dataOffset;
    private final int alignment;

    private GgufFile(Path path, Arena arena, MemorySegment file, int version, Map<String, GgufValue> metadata,
                     List<GgufTensorInfo> tensorInfos, long dataOffset, int alignment) {
        this.path = path;
        this.arena = arena;
        this.file = file;
        this.version = version;
        this.metadata = metadata;
        this.tensorInfos = tensorInfos;
        this.dataOffset = dataOffset;
        this.alignment = alignment;
    }

    public static GgufFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment seg = ch.size() == 0 ? MemorySegment.NULL.reinterpret(0)
                    : ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            GgufFile f = parse(path, arena, seg);
            return f;
        } catch (IOException e) {
            arena.close();
            throw new ModelFormatException(path, "cannot read GGUF file: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static GgufFile parse(Path path, Arena arena, MemorySegment seg) {
        Cursor c = new Cursor(path, seg);
        if (seg.byteSize() < 4) throw new ModelFormatException(path, "truncated file: " + seg.byteSize() + " bytes, not a GGUF header");
        int magic = c.i32("magic");
        if (magic != MAGIC) throw new ModelFormatException(path, String.format("bad magic 0x%08x, not a GGUF file", magic));
        int version = c.i32("version");
        if (version != 2 && version != 3) throw new ModelFormatException(path, "unsupported GGUF version " + version + " (supported: 2, 3)");
        long tensorCount = c.u64("tensor count");
        long kvCount = c.u64("metadata count");
        // Each KV takes at least 8 (key length) + 4 (type) + 1 bytes; each tensor info at least 8+4+4+8.
        if (kvCount < 0 || kvCount > c.remaining() / 13) throw new ModelFormatException(path, "absurd metadata count " + Long.toUnsignedString(kvCount) + " for a file of " + seg.byteSize() + " bytes");
        if (tensorCount < 0 || tensorCount > c.remaining() / 24) throw new ModelFormatException(path, "absurd tensor count " + Long.toUnsignedString(tensorCount) + " for a file of " + seg.byteSize() + " bytes");

        Map<String, GgufValue> meta = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = c.string("metadata key #" + i);
            long typeId = c.u32(key);
            GgufType type = GgufType.fromId(typeId);
            if (type == null) throw new ModelFormatException(path, "metadata " + key + ": unknown value type " + typeId);
            GgufValue v = c.value(key, type, 0);
            if (meta.putIfAbsent(key, v) != null) throw new ModelFormatException(path, "duplicate metadata key " + key);
        }

        int alignment = DEFAULT_ALIGNMENT;
        GgufValue al = meta.get("general.alignment");
        if (al != null) {
            if (al.type() != GgufType.UINT32) throw new ModelFormatException(path, "general.alignment: expected uint32, found " + al.type());
            long a = al.asLong();
            if (a <= 0 || a > (1 << 20) || Long.bitCount(a) != 1) throw new ModelFormatException(path, "general.alignment: " + a + " is not a power of two");
            alignment = (int) a;
        }

        List<GgufTensorInfo> infos = new ArrayList<>();
        Map<String, Boolean> names = new LinkedHashMap<>();
        for (long i = 0; i < tensorCount; i++) {
            String name = c.string("tensor name #" + i);
            if (names.put(name, Boolean.TRUE) != null) throw new ModelFormatException(path, "tensor " + name + ": duplicate name");
            long nDims = c.u32("tensor " + name + " dimension count");
            if (nDims < 0 || nDims > MAX_DIMS) throw new ModelFormatException(path, "tensor " + name + ": " + nDims + " dimensions (at most " + MAX_DIMS + ")");
            long[] ne = new long[(int) nDims];
            for (int d = 0; d < nDims; d++) {
                ne[d] = c.u64("tensor " + name + " dimension");
                if (ne[d] < 0) throw new ModelFormatException(path, "tensor " + name + ": dimension " + Long.toUnsignedString(ne[d]) + " is absurd");
            }
            long typeId = c.u32("tensor " + name + " type");
            DType dtype = DType.fromGgmlType(typeId).orElseThrow(() -> new ModelFormatException(path, "tensor " + name + ": unknown ggml type " + typeId));
            long offset = c.u64("tensor " + name + " offset");
            infos.add(new GgufTensorInfo(name, ne, dtype, offset));
        }
        long dataOffset = alignUp(c.pos, alignment);
        if (tensorCount > 0 && dataOffset > seg.byteSize()) throw new ModelFormatException(path, "truncated file: data section starts at " + dataOffset + " but the file has " + seg.byteSize() + " bytes");
        long dataSize = seg.byteSize() - Math.min(dataOffset, seg.byteSize());
        for (GgufTensorInfo t : infos) {
            long n = Tensor.elementCount(t.ne());
            if (n < 0) throw new ModelFormatException(path, "tensor " + t.name() + ": element count overflows");
            long bytes = t.dtype().byteSize(n);
            if (bytes < 0) throw new ModelFormatException(path, "tensor " + t.name() + ": " + n + " elements is not a whole number of " + t.dtype() + " blocks of " + t.dtype().blockSize());
            if (t.ne().length > 0 && t.ne()[0] % t.dtype().blockSize() != 0) throw new ModelFormatException(path, "tensor " + t.name() + ": row length " + t.ne()[0] + " is not a multiple of the " + t.dtype() + " block size " + t.dtype().blockSize());
            if (t.offset() < 0 || t.offset() % alignment != 0) throw new ModelFormatException(path, "tensor " + t.name() + ": offset " + Long.toUnsignedString(t.offset()) + " is not aligned to " + alignment);
            if (t.offset() > dataSize || bytes > dataSize - t.offset()) throw new ModelFormatException(path, "tensor " + t.name() + ": data [" + t.offset() + ", +" + bytes + ") runs past the end of the file (truncated?)");
        }
        return new GgufFile(path, arena, seg, version, Collections.unmodifiableMap(meta), List.copyOf(infos), dataOffset, alignment);
    }

    static long alignUp(long x, long a) {
        return (x + a - 1) / a * a;
    }

    public Path path() { return path; }

    public int version() { return version; }

    public int alignment() { return alignment; }

    public long dataOffset() { return dataOffset; }

    /** All metadata in file order. */
    public Map<String, GgufValue> metadata() { return metadata; }

    public Optional<GgufValue> get(String key) { return Optional.ofNullable(metadata.get(key)); }

    public List<GgufTensorInfo> tensorInfos() { return tensorInfos; }

    /** The whole mapped file. */
    public MemorySegment segment() { return file; }

    /** A zero-copy view of one tensor, shape in whittle order. */
    public Tensor tensor(GgufTensorInfo t) {
        long bytes = t.dtype().byteSize(Tensor.elementCount(t.ne()));
        return new Tensor(t.name(), t.shape(), t.dtype(), file.asSlice(dataOffset + t.offset(), bytes));
    }

    public List<Tensor> tensors() {
        List<Tensor> out = new ArrayList<>(tensorInfos.size());
        for (GgufTensorInfo t : tensorInfos) out.add(tensor(t));
        return out;
    }

    public Optional<Tensor> tensor(String name) {
        for (GgufTensorInfo t : tensorInfos) if (t.name().equals(name)) return Optional.of(tensor(t));
        return Optional.empty();
    }

    @Override
    public void close() {
        arena.close();
    }

    /** Reads little-endian values, checking every read against the end of the file. */
    private static final class Cursor {
        private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final int MAX_NESTING = 4;

        final Path path;
        final MemorySegment seg;
        long pos;

        Cursor(Path path, MemorySegment seg) {
            this.path = path;
            this.seg = seg;
        }

        long remaining() { return seg.byteSize() - pos; }

        void need(long n, String what) {
            if (n < 0 || n > remaining()) throw new ModelFormatException(path, "truncated file: " + what + " needs " + (n < 0 ? Long.toUnsignedString(n) : n) + " bytes at offset " + pos + " but only " + remaining() + " remain");
        }

        int i32(String what) { need(4, what); int v = seg.get(I32, pos); pos += 4; return v; }

        long u32(String what) { return Integer.toUnsignedLong(i32(what)); }

        long u64(String what) { need(8, what); long v = seg.get(I64, pos); pos += 8; return v; }

        String string(String what) {
            long len = u64(what + " length");
            need(len, what);
            byte[] b = seg.asSlice(pos, len).toArray(ValueLayout.JAVA_BYTE);
            pos += len;
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                // Some vocabularies hold invalid UTF-8 pieces; keep them readable rather than fail the file.
                return new String(b, StandardCharsets.UTF_8);
            }
        }

        GgufValue value(String key, GgufType type, int depth) {
            return switch (type) {
                case ARRAY -> {
                    if (depth >= MAX_NESTING) throw new ModelFormatException(path, "metadata " + key + ": arrays nested deeper than " + MAX_NESTING);
                    long et = u32(key + " array type");
                    GgufType elem = GgufType.fromId(et);
                    if (elem == null) throw new ModelFormatException(path, "metadata " + key + ": unknown array element type " + et);
                    long n = u64(key + " array length");
                    if (n < 0 || n > remaining() / elem.minBytes()) throw new ModelFormatException(path, "metadata " + key + ": array length " + Long.toUnsignedString(n) + " exceeds the bytes left in the file");
                    List<Object> items = new ArrayList<>((int) n);
                    for (long i = 0; i < n; i++) {
                        GgufValue v = value(key, elem, depth + 1);
                        items.add(elem == GgufType.ARRAY ? v : v.value());
                    }
                    yield new GgufValue(GgufType.ARRAY, elem, Collections.unmodifiableList(items));
                }
                case UINT8 -> { need(1, key); int v = Byte.toUnsignedInt(seg.get(ValueLayout.JAVA_BYTE, pos)); pos += 1; yield GgufValue.of(type, v); }
                case INT8 -> { need(1, key); byte v = seg.get(ValueLayout.JAVA_BYTE, pos); pos += 1; yield GgufValue.of(type, v); }
                case UINT16 -> { need(2, key); int v = Short.toUnsignedInt(seg.get(I16, pos)); pos += 2; yield GgufValue.of(type, v); }
                case INT16 -> { need(2, key); short v = seg.get(I16, pos); pos += 2; yield GgufValue.of(type, v); }
                case UINT32 -> GgufValue.of(type, u32(key));
                case INT32 -> GgufValue.of(type, i32(key));
                case UINT64, INT64 -> GgufValue.of(type, u64(key));
                case FLOAT32 -> { need(4, key); float v = seg.get(F32, pos); pos += 4; yield GgufValue.of(type, v); }
                case FLOAT64 -> { need(8, key); double v = seg.get(F64, pos); pos += 8; yield GgufValue.of(type, v); }
                case BOOL -> {
                    need(1, key);
                    byte b = seg.get(ValueLayout.JAVA_BYTE, pos);
                    pos += 1;
                    if (b != 0 && b != 1) throw new ModelFormatException(path, "metadata " + key + ": bool byte " + b + " is neither 0 nor 1");
                    yield GgufValue.of(type, b == 1);
                }
                case STRING -> GgufValue.of(type, string(key));
            };
        }
    }
}
