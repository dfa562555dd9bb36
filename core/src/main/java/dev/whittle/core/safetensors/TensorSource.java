package dev.whittle.core.safetensors;

import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * A tensor to be written: its name, shape, dtype and size up front, its bytes on demand. The bytes are produced
 * only when the writer reaches the tensor, so a quantizer can compute and stream one layer at a time instead of
 * holding the whole model. {@link #writeTo} must write exactly {@link #byteSize()} bytes (little-endian,
 * row-major) or the write fails.
 */
public interface TensorSource {
    String name();

    /** Outermost dimension first, as in {@link Tensor}. */
    long[] shape();

    DType dtype();

    /** Bytes {@link #writeTo} will write; by default what the shape and dtype need. */
    default long byteSize() {
        return dtype().byteSize(Tensor.elementCount(shape()));
    }

    /** Writes the tensor's bytes to {@code out}. */
    void writeTo(WritableByteChannel out) throws IOException;

    /** A source that writes an existing tensor view (for example from a mapped file) as is. */
    static TensorSource of(Tensor t) {
        return new TensorSource() {
            @Override public String name() { return t.name(); }
            @Override public long[] shape() { return t.shape(); }
            @Override public DType dtype() { return t.dtype(); }
            @Override public long byteSize() { return t.byteSize(); }
            @Override public void writeTo(WritableByteChannel out) throws IOException { write(t.data(), out); }
        };
    }

    /** Same tensor under another name (renaming while converting). */
    static TensorSource renamed(TensorSource s, String name) {
        return new TensorSource() {
            @Override public String name() { return name; }
            @Override public long[] shape() { return s.shape(); }
            @Override public DType dtype() { return s.dtype(); }
            @Override public long byteSize() { return s.byteSize(); }
            @Override public void writeTo(WritableByteChannel out) throws IOException { s.writeTo(out); }
        };
    }

    /**
     * Writes all of {@code data} to {@code out} in slices, without copying it to the heap (a segment may be
     * larger than one ByteBuffer can view).
     */
    static void write(MemorySegment data, WritableByteChannel out) throws IOException {
        final long chunk = 1L << 26;
        for (long pos = 0; pos < data.byteSize(); pos += chunk) {
            ByteBuffer buf = data.asSlice(pos, Math.min(chunk, data.byteSize() - pos)).asByteBuffer();
            while (buf.hasRemaining()) out.write(buf);
        }
    }
}
