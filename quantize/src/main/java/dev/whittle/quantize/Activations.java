package dev.whittle.quantize;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Calibration activations, one row of {@code width} floats per token, kept off the Java heap in a temporary file
 * mapped into memory: 128 × 512 tokens of a 2048-wide model are 512 MB, which would not fit beside a layer's
 * weights and Hessians in a 2 GB heap, and the OS can page a mapped file out where it could not page the heap.
 * Read and written in chunks of whole sequences. The file is deleted as soon as it is mapped, so nothing is left
 * behind if the process dies; {@link #close()} unmaps it.
 */
final class Activations implements AutoCloseable {
    private final Arena arena;
    private final MemorySegment data;
    private final int rows;
    private final int width;

    private Activations(Arena arena, MemorySegment data, int rows, int width) {
        this.arena = arena;
        this.data = data;
        this.rows = rows;
        this.width = width;
    }

    static Activations create(int rows, int width) {
        long bytes = (long) rows * width * Float.BYTES;
        Arena arena = Arena.ofShared();
        try {
            Path file = Files.createTempFile("whittle-calib-", ".f32");
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                MemorySegment seg = bytes == 0 ? MemorySegment.NULL : ch.map(FileChannel.MapMode.READ_WRITE, 0, bytes, arena);
                return new Activations(arena, seg, rows, width);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            arena.close();
            throw new UncheckedIOException("cannot create a " + bytes + "-byte temporary file for calibration activations: " + e.getMessage(), e);
        }
    }

    int rows() {
        return rows;
    }

    int width() {
        return width;
    }

    /** Rows {@code from .. from+count} as a new row-major array. */
    float[] read(int from, int count) {
        check(from, count);
        float[] out = new float[Math.multiplyExact(count, width)];
        MemorySegment.copy(data, ValueLayout.JAVA_FLOAT, (long) from * width * Float.BYTES, out, 0, out.length);
        return out;
    }

    /** Overwrites rows {@code from .. from+count} with {@code src}. */
    void write(int from, int count, float[] src) {
        check(from, count);
        if (src.length < (long) count * width) throw new IllegalArgumentException(src.length + " floats for " + count + " rows of " + width);
        MemorySegment.copy(src, 0, data, ValueLayout.JAVA_FLOAT, (long) from * width * Float.BYTES, count * width);
    }

    private void check(int from, int count) {
        if (from < 0 || count < 0 || from + count > rows) throw new IndexOutOfBoundsException("rows " + from + "+" + count + " of " + rows);
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) arena.close();
    }
}
