package dev.whittle.core.gguf;

import dev.whittle.core.ModelFormatException;
import dev.whittle.core.tensor.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the GGUF header (everything before the data section) from a segment, bounds-checking every read.
 * Each count or length is compared with the bytes left before anything is allocated for it, so the work and
 * memory spent are proportional to the input size.
 */
final class GgufHeaderReader {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Arrays of arrays deeper than this are refused: real files nest at most once, and recursion must stay shallow. */
    static final int MAX_NESTING = 8;
    /**
     * whittle's limits, far above real files (the largest vocabularies have ~500k merges; whole tokenizer.json
     * strings are ~10 MB) and low enough that a crafted header cannot make the reader allocate gigabytes.
     */
    static final long MAX_ARRAY_ELEMENTS = 1L << 26, MAX_STRING_BYTES = 1L << 28;
    /** Lists grow from at most this capacity, so a large claimed length costs nothing until its elements parse. */
    private static final int INITIAL_CAPACITY = 1 << 12;
    // Smallest encodings: a kv is a key length (8) + type (4) + a 1-byte value; a tensor info is a name length
    // (8) + n_dims (4) + type (4) + offset (8).
    private static final int MIN_KV_BYTES = 13;
    private static final int MIN_TENSOR_INFO_BYTES = 24;

    record Header(int version, Map<String, GgufValue> metadata, List<GgufTensorInfo> tensorInfos, long dataOffset, int alignment) {}

    private final Path path;
    private final MemorySegment seg;
    private long pos;

    private GgufHeaderReader(Path path, MemorySegment seg) {
        this.path = path;
        this.seg = seg;
    }

    static Header read(Path path, MemorySegment seg) {
        return new GgufHeaderReader(path, seg).header();
    }

    private Header header() {
        if (seg.byteSize() < 4) throw fail("truncated file: " + seg.byteSize() + " bytes, too short for a GGUF header");
        int magic = i32("magic");
        if (magic != GgufFile.MAGIC) throw fail(String.format("bad magic 0x%08x, not a GGUF file", magic));
        int version = i32("version");
        if (version == 1) throw fail("GGUF version 1 is not supported (supported: 2, 3)");
        if (Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3)
            throw fail("big-endian GGUF (version " + Integer.reverseBytes(version) + ") is not supported");
        if (version != 2 && version != 3) throw fail("unsupported GGUF version " + Integer.toUnsignedString(version) + " (supported: 2, 3)");
        long tensorCount = u64("tensor count");
        long kvCount = u64("metadata count");
        if (kvCount < 0 || kvCount > remaining() / MIN_KV_BYTES)
            throw fail("metadata count " + Long.toUnsignedString(kvCount) + " does not fit in the " + remaining() + " bytes left (truncated or corrupt file)");
        if (tensorCount < 0 || tensorCount > remaining() / MIN_TENSOR_INFO_BYTES)
            throw fail("tensor count " + Long.toUnsignedString(tensorCount) + " does not fit in the " + remaining() + " bytes left (truncated or corrupt file)");

        LinkedHashMap<String, GgufValue> meta = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = string("metadata key #" + i);
            String where = "metadata " + printable(key);
            GgufType type = type(u32(where + " type"), where);
            GgufValue v = value(where, type, 0);
            if (meta.putIfAbsent(key, v) != null) throw fail("duplicate metadata key " + printable(key));
        }
        int alignment = alignment(meta.get(GgufFile.ALIGNMENT_KEY));

        List<GgufTensorInfo> infos = new ArrayList<>((int) Math.min(tensorCount, 1 << 16));
        Set<String> names = new HashSet<>();
        for (long i = 0; i < tensorCount; i++) {
            String name = string("tensor name #" + i);
            String where = "tensor " + printable(name);
            if (!names.add(name)) throw fail(where + ": duplicate tensor name");
            long nDims = u32(where + " dimension count");
            if (nDims > GgufFile.MAX_DIMS) throw fail(where + ": " + nDims + " dimensions (at most " + GgufFile.MAX_DIMS + ")");
            long[] ne = new long[(int) nDims];
            for (int d = 0; d < nDims; d++) {
                ne[d] = u64(where + " dimension " + d);
                if (ne[d] < 0) throw fail(where + ": dimension " + d + " = " + Long.toUnsignedString(ne[d]) + " is absurd");
            }
            long typeId = u32(where + " type");
            DType dtype = DType.fromGgmlType(typeId).orElseThrow(() -> fail(where + ": unknown or unsupported ggml type " + typeId));
            long offset = u64(where + " offset");
            infos.add(new GgufTensorInfo(name, ne, dtype, offset));
        }

        long dataOffset = GgufFile.alignUp(pos, alignment);
        long size = seg.byteSize();
        if (tensorCount > 0 && dataOffset > size)
            throw fail("truncated file: the data section starts at " + dataOffset + " but the file has " + size + " bytes");
        long dataSize = Math.max(0, size - dataOffset);
        for (GgufTensorInfo t : infos) GgufFile.checkTensor(path, t, alignment, dataSize);
        return new Header(version, Collections.unmodifiableMap(meta), List.copyOf(infos), dataOffset, alignment);
    }

    private int alignment(GgufValue al) {
        if (al == null) return GgufFile.DEFAULT_ALIGNMENT;
        if (al.type() != GgufType.UINT32) throw fail(GgufFile.ALIGNMENT_KEY + ": expected uint32, found " + al.type());
        long a = al.asLong();
        if (a == 0 || Long.bitCount(a) != 1 || a > GgufFile.MAX_ALIGNMENT)
            throw fail(GgufFile.ALIGNMENT_KEY + ": " + a + " is not a power of two up to " + GgufFile.MAX_ALIGNMENT);
        return (int) a;
    }

    private GgufType type(long id, String where) {
        GgufType t = GgufType.fromId(id);
        if (t == null) throw fail(where + ": unknown value type " + id);
        return t;
    }

    private GgufValue value(String where, GgufType type, int depth) {
        return switch (type) {
            case ARRAY -> array(where, depth);
            case STRING -> GgufValue.of(type, string(where));
            case BOOL -> GgufValue.of(type, bool(where, pos));
            default -> {
                need(type.minBytes(), where);
                Object v = switch (type) {
                    case UINT8 -> Byte.toUnsignedInt(seg.get(ValueLayout.JAVA_BYTE, pos));
                    case INT8 -> seg.get(ValueLayout.JAVA_BYTE, pos);
                    case UINT16 -> Short.toUnsignedInt(seg.get(I16, pos));
                    case INT16 -> seg.get(I16, pos);
                    case UINT32 -> Integer.toUnsignedLong(seg.get(I32, pos));
                    case INT32 -> seg.get(I32, pos);
                    case UINT64, INT64 -> seg.get(I64, pos);
                    case FLOAT32 -> seg.get(F32, pos);
                    case FLOAT64 -> seg.get(F64, pos);
                    default -> throw new AssertionError(type);
                };
                pos += type.minBytes();
                yield GgufValue.of(type, v);
            }
        };
    }

    private GgufValue array(String where, int depth) {
        if (depth >= MAX_NESTING) throw fail(where + ": arrays nested deeper than " + MAX_NESTING);
        GgufType elem = type(u32(where + " array element type"), where + " array element");
        long n = u64(where + " array length");
        if (n < 0 || n > remaining() / elem.minBytes())
            throw fail(where + ": array length " + Long.toUnsignedString(n) + " does not fit in the " + remaining() + " bytes left (truncated or corrupt file)");
        if (n > MAX_ARRAY_ELEMENTS) throw fail(where + ": array of " + n + " elements exceeds whittle's limit of " + MAX_ARRAY_ELEMENTS);
        int count = (int) n;
        List<?> items = switch (elem) {
            case STRING -> {
                List<String> l = new ArrayList<>(Math.min(count, INITIAL_CAPACITY));
                for (int i = 0; i < count; i++) l.add(string(where));
                yield Collections.unmodifiableList(l);
            }
            case ARRAY -> {
                List<GgufValue> l = new ArrayList<>(Math.min(count, INITIAL_CAPACITY));
                for (int i = 0; i < count; i++) l.add(array(where, depth + 1));
                yield Collections.unmodifiableList(l);
            }
            case BOOL -> {
                byte[] b = new byte[count];
                for (int i = 0; i < count; i++) b[i] = bool(where, pos) ? (byte) 1 : 0;
                yield new PrimitiveArrayList(elem, b, count);
            }
            default -> new PrimitiveArrayList(elem, primitives(elem, count), count);
        };
        return new GgufValue(GgufType.ARRAY, elem, items);
    }

    /** Bulk-copies a numeric array (its length already checked against the bytes left). */
    private Object primitives(GgufType elem, int n) {
        Object arr;
        ValueLayout layout;
        switch (elem) {
            case UINT8, INT8 -> { arr = new byte[n]; layout = ValueLayout.JAVA_BYTE; }
            case UINT16, INT16 -> { arr = new short[n]; layout = I16; }
            case UINT32, INT32 -> { arr = new int[n]; layout = I32; }
            case UINT64, INT64 -> { arr = new long[n]; layout = I64; }
            case FLOAT32 -> { arr = new float[n]; layout = F32; }
            case FLOAT64 -> { arr = new double[n]; layout = F64; }
            default -> throw new AssertionError(elem);
        }
        MemorySegment.copy(seg, layout, pos, arr, 0, n);
        pos += (long) n * elem.minBytes();
        return arr;
    }

    private boolean bool(String where, long at) {
        need(1, where);
        byte b = seg.get(ValueLayout.JAVA_BYTE, at);
        if (b != 0 && b != 1) throw fail(where + ": bool byte " + b + " is neither 0 nor 1");
        pos++;
        return b == 1;
    }

    private long remaining() { return seg.byteSize() - pos; }

    private void need(long n, String what) {
        if (n < 0 || n > remaining())
            throw fail("truncated file: " + what + " needs " + Long.toUnsignedString(n) + " bytes at offset " + pos + " but only " + remaining() + " remain");
    }

    private int i32(String what) {
        need(4, what);
        int v = seg.get(I32, pos);
        pos += 4;
        return v;
    }

    private long u32(String what) { return Integer.toUnsignedLong(i32(what)); }

    private long u64(String what) {
        need(8, what);
        long v = seg.get(I64, pos);
        pos += 8;
        return v;
    }

    private String string(String what) {
        if (remaining() < 8) need(8, what + " length"); // builds the message only when failing: vocabularies hold 100k+ strings
        long len = seg.get(I64, pos);
        pos += 8;
        need(len, what);
        if (len > MAX_STRING_BYTES) throw fail(what + ": string of " + len + " bytes exceeds whittle's limit of " + MAX_STRING_BYTES);
        byte[] b = new byte[(int) len];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, b, 0, b.length);
        pos += len;
        return GgufStrings.decode(b);
    }

    /** A key or tensor name fit for a one-line message: control and line-break characters escaped, long names cut. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < s.length() && b.length() < 120) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            int type = Character.getType(cp);
            if (type == Character.SURROGATE) {
                b.append(String.format("\\x%02x", cp & 0xFF)); // an escaped byte of invalid UTF-8 (see GgufStrings)
            } else if (type == Character.CONTROL || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                b.append(String.format(cp <= 0xFF ? "\\x%02x" : "\\u%04x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        }
        if (i < s.length()) b.append("...(").append(s.length()).append(" chars)");
        return b.toString();
    }

    private ModelFormatException fail(String what) {
        return new ModelFormatException(path, what);
    }
}
