package dev.whittle.core.safetensors;

import dev.whittle.core.ModelFormatException;
import dev.whittle.core.tensor.Tensor;
import dev.whittle.core.tensor.TensorStore;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code .safetensors} file opened by memory-mapping. The header is fully validated on open (see
 * {@link SafeTensorsHeader}); tensors are zero-copy, read-only views of the mapped bytes with the header's
 * shape (already outermost first). Tensor data is not necessarily aligned to its element size (writers other
 * than the reference one may not pad the header), so read it with unaligned layouts.
 * Close the file to unmap it; its tensors must not be used after that.
 */
public final class SafeTensorsFile implements TensorStore {
    private final Path path;
    private final Arena arena; // null when the bytes are not ours to release
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;
    private boolean closed;

    private SafeTensorsFile(Path path, Arena arena, MemorySegment file, SafeTensorsHeader header) {
        this.path = path;
        this.arena = arena;
        this.metadata = header.metadata();
        Map<String, Tensor> map = new LinkedHashMap<>();
        for (TensorEntry e : header.entries()) {
            MemorySegment data = file.asSlice(header.dataStart() + e.begin(), e.byteSize()).asReadOnly();
            map.put(e.name(), new Tensor(e.name(), e.shape(), e.dtype(), data));
        }
        this.tensors = Collections.unmodifiableMap(map);
    }

    /** Maps and validates {@code path}; any problem with the file is a {@link ModelFormatException}. */
    public static SafeTensorsFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment seg = size == 0 ? MemorySegment.NULL : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new SafeTensorsFile(path, arena, seg, SafeTensorsHeader.parse(seg, path));
        } catch (IOException e) {
            arena.close();
            throw new ModelFormatException(path, "cannot read SafeTensors file: " + ioProblem(e), e);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** A short reason for an I/O failure (the JDK's messages for these are often just the path again). */
    static String ioProblem(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * Parses SafeTensors bytes already in memory (tests, fuzzing). The caller keeps ownership of
     * {@code bytes}; {@link #close()} does not release them. {@code label} names the input in messages.
     */
    public static SafeTensorsFile parse(MemorySegment bytes, Path label) {
        return new SafeTensorsFile(label, null, bytes, SafeTensorsHeader.parse(bytes, label));
    }

    public Path path() {
        return path;
    }

    /** Just this file. */
    @Override
    public List<Path> files() {
        return List.of(path);
    }

    /** The {@code __metadata__} string map in header order; empty if the header has none. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Tensor names in header order. */
    @Override
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    public int size() {
        return tensors.size();
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public Optional<Tensor> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    /** The named tensor; a file without it is a {@link ModelFormatException}. */
    @Override
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new ModelFormatException(path, "no tensor named " + SafeTensorsHeader.shown(name));
        return t;
    }

    /** All tensors in header order. */
    public List<Tensor> tensors() {
        return List.copyOf(tensors.values());
    }

    /** Unmaps the file (idempotent). Tensors obtained from it must not be touched afterwards. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (arena != null) arena.close();
    }
}
