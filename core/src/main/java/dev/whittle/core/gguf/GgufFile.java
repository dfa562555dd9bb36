package dev.whittle.core.gguf;

import dev.whittle.core.ModelFormatException;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A GGUF file (v2 or v3, little-endian) opened by memory-mapping: metadata, tensor infos, and tensors as
 * zero-copy views.
 * <p>
 * Layout (ggml {@code docs/gguf.md}; all integers little-endian, strings are a u64 byte length then UTF-8 bytes
 * without terminator):
 * <pre>
 *   u32 magic "GGUF" | u32 version | u64 tensor_count | u64 kv_count
 *   kv_count x { string key | u32 value_type | value }
 *       value: scalar of the type's width, a string, or an array = u32 element_type | u64 n | n values
 *       (arrays may nest: element_type 9 means each element is itself an array with its own element type)
 *   tensor_count x { string name | u32 n_dims | u64 ne[n_dims] (innermost first) | u32 ggml_type | u64 offset }
 *   zero padding up to a multiple of ALIGNMENT
 *   tensor data: each tensor at data_start + offset, offsets multiples of ALIGNMENT
 * </pre>
 * ALIGNMENT is the uint32 {@code general.alignment} if present, else 32; it must be a power of two (llama.cpp's
 * rule; the spec also asks for a multiple of 8). Version 1 (32-bit counts) and big-endian files are rejected. A
 * vocab-only file (no tensors) may end right after the last kv. Strings that are not valid UTF-8 are kept
 * byte-exactly (see {@link GgufStrings}). Metadata arrays of numbers or bools are held as primitive arrays.
 * <p>
 * Every count, length and offset is checked against the bytes actually present before it is used, so a
 * hostile or truncated file gives a {@link ModelFormatException} naming the file and the key or tensor, never
 * an out-of-memory error, an index exception or a hang. After a successful parse every tensor view lies inside
 * the file. Close it to unmap; tensors must not be used after that.
 */
public final class GgufFile implements AutoCloseable {
    public static final int MAGIC = 0x46554747; // "GGUF" read little-endian
    public static final int DEFAULT_ALIGNMENT = 32;
    public static final String ALIGNMENT_KEY = "general.alignment";
    static final int MAX_DIMS = 8;
    /** Largest general.alignment accepted (1 GiB); the spec sets no bound but larger values only waste space. */
    static final int MAX_ALIGNMENT = 1 << 30;

    private final Path path;
    private final Arena arena; // null when the caller owns the memory
    private final MemorySegment file;
    private final int version;
    private final Map<String, GgufValue> metadata;
    private final List<GgufTensorInfo> tensorInfos;
    private final Map<String, GgufTensorInfo> byName;
    private final long dataOffset;
    private final int alignment;

    private GgufFile(Path path, Arena arena, MemorySegment file, GgufHeaderReader.Header h) {
        this.path = path;
        this.arena = arena;
        this.file = file;
        this.version = h.version();
        this.metadata = h.metadata();
        this.tensorInfos = h.tensorInfos();
        this.dataOffset = h.dataOffset();
        this.alignment = h.alignment();
        Map<String, GgufTensorInfo> m = new HashMap<>();
        for (GgufTensorInfo t : tensorInfos) m.put(t.name(), t);
        this.byName = m;
    }

    /** Memory-maps and parses a GGUF file. */
    public static GgufFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment seg = size == 0 ? MemorySegment.NULL : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new GgufFile(path, arena, seg, GgufHeaderReader.read(path, seg));
        } catch (IOException e) {
            arena.close();
            throw new ModelFormatException(path, "cannot read GGUF file: " + e, e);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Parses GGUF bytes already in memory (a heap array, a slice of a bigger mapping). The caller keeps owning
     * {@code bytes}: {@link #close()} does not free it, and tensors are views into it.
     *
     * @param label names the source in error messages and {@link #path()}
     */
    public static GgufFile parse(MemorySegment bytes, Path label) {
        return new GgufFile(label, null, bytes, GgufHeaderReader.read(label, bytes));
    }

    static long alignUp(long x, long a) {
        return (x + a - 1) / a * a;
    }

    public Path path() { return path; }

    public int version() { return version; }

    public int alignment() { return alignment; }

    /** Where the data section starts: the end of the tensor infos rounded up to {@link #alignment()}. */
    public long dataOffset() { return dataOffset; }

    /** All metadata in file order (unmodifiable). */
    public Map<String, GgufValue> metadata() { return metadata; }

    public Optional<GgufValue> get(String key) { return Optional.ofNullable(metadata.get(key)); }

    /** Tensor infos in file order. */
    public List<GgufTensorInfo> tensorInfos() { return tensorInfos; }

    public Optional<GgufTensorInfo> tensorInfo(String name) { return Optional.ofNullable(byName.get(name)); }

    /** The whole file. */
    public MemorySegment segment() { return file; }

    /** A zero-copy view of one tensor, shape in whittle order. */
    public Tensor tensor(GgufTensorInfo t) {
        return new Tensor(t.name(), t.shape(), t.dtype(), file.asSlice(dataOffset + t.offset(), t.byteSize()));
    }

    /** Views of all tensors in file order. */
    public List<Tensor> tensors() {
        List<Tensor> out = new ArrayList<>(tensorInfos.size());
        for (GgufTensorInfo t : tensorInfos) out.add(tensor(t));
        return out;
    }

    public Optional<Tensor> tensor(String name) {
        return tensorInfo(name).map(this::tensor);
    }

    /** Unmaps the file (a no-op for {@link #parse}d memory). */
    @Override
    public void close() {
        if (arena != null) arena.close();
    }

    /** Checks a tensor info against the data section; package-private for the header reader. */
    static void checkTensor(Path path, GgufTensorInfo t, int alignment, long dataSize) {
        long[] ne = t.ne();
        String name = GgufHeaderReader.printable(t.name());
        long n = Tensor.elementCount(ne);
        if (n < 0) throw new ModelFormatException(path, "tensor " + name + ": element count of " + dims(ne) + " overflows");
        DType dt = t.dtype();
        if (ne.length > 0 && ne[0] % dt.blockSize() != 0)
            throw new ModelFormatException(path, "tensor " + name + ": row length " + ne[0] + " is not a multiple of the " + dt + " block size " + dt.blockSize());
        long bytes = dt.byteSize(n);
        if (bytes < 0) throw new ModelFormatException(path, "tensor " + name + ": " + n + " elements of " + dt + " do not fit in a file");
        if (t.offset() < 0 || t.offset() % alignment != 0)
            throw new ModelFormatException(path, "tensor " + name + ": offset " + Long.toUnsignedString(t.offset()) + " is not a multiple of the alignment " + alignment);
        if (t.offset() > dataSize || bytes > dataSize - t.offset())
            throw new ModelFormatException(path, "tensor " + name + ": data at offset " + t.offset() + " (+" + bytes + " bytes) runs past the end of the data section (" + dataSize + " bytes; truncated file?)");
    }

    private static String dims(long[] ne) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < ne.length; i++) b.append(i == 0 ? "" : ", ").append(Long.toUnsignedString(ne[i]));
        return b.append(']').toString();
    }
}
