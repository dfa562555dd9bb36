package dev.whittle.core.tensor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * A tensor to be written (by the GGUF or the SafeTensors writer): name, shape, dtype and size up front, bytes on
 * demand. The bytes may be produced only when the writer reaches the tensor, so a quantizer can stream a model
 * layer by layer with bounded memory. {@link #writeTo} is called once, in file order, and must write exactly
 * {@link #byteSize()} bytes (little-endian, rows contiguous); the writers check.
 */
public interface TensorSource {
    String name();

    /** Shape in whittle order (outermost first); the GGUF writer reverses it to GGUF's {@code ne}. */
    long[] shape();

    DType dtype();

    /** Bytes the data takes: by default the dtype's size of the shape's element count. */
    default long byteSize() {
        return dtype().byteSize(Tensor.elementCount(shape()));
    }

    /** Writes the tensor's bytes (little-endian, rows contiguous) to {@code out}. */
    void writeTo(WritableByteChannel out) throws IOException;

    /** A source over an existing tensor (for example a view into a mapped file). */
    static TensorSource of(Tensor t) {
        return new TensorSource() {
            @Override public String name() { return t.name(); }
            @Override public long[] shape() { return t.shape(); }
            @Override public DType dtype() { return t.dtype(); }
            @Override public long byteSize() { return t.byteSize(); }
            @Override public void writeTo(WritableByteChannel out) throws IOException { write(t.data(), out); }
            @Override public String toString() { return t.toString(); }
        };
    }

    /** The bytes are produced on demand by {@code body} (for example: quantize one layer, then write it). */
    static TensorSource lazy(String name, long[] shape, DType dtype, Body body) {
        long[] s = shape.clone();
        return new TensorSource() {
            @Override public String name() { return name; }
            @Override public long[] shape() { return s.clone(); }
            @Override public DType dtype() { return dtype; }
            @Override public void writeTo(WritableByteChannel out) throws IOException { body.writeTo(out); }
            @Override public String toString() { return name + " " + dtype + java.util.Arrays.toString(s) + " (lazy)"; }
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

    /** Produces a lazy tensor's bytes. */
    @FunctionalInterface
    interface Body {
        void writeTo(WritableByteChannel out) throws IOException;
    }

    /**
     * Writes a whole segment to a channel in slices, without copying it to the heap first. A segment over a heap
     * array other than byte[] (float[], short[]...) cannot be viewed as a ByteBuffer, so it goes through a small
     * bounce buffer; its bytes are in native order, little-endian on every platform whittle runs on.
     */
    static void write(MemorySegment data, WritableByteChannel out) throws IOException {
        boolean viewable = data.isNative() || data.heapBase().orElse(null) instanceof byte[];
        final long chunk = viewable ? 1L << 24 : 1L << 16;
        ByteBuffer bounce = viewable ? null : ByteBuffer.allocate((int) Math.min(chunk, data.byteSize()));
        for (long off = 0; off < data.byteSize(); off += chunk) {
            MemorySegment slice = data.asSlice(off, Math.min(chunk, data.byteSize() - off));
            ByteBuffer b;
            if (viewable) {
                b = slice.asByteBuffer();
            } else {
                bounce.clear().limit((int) slice.byteSize());
                MemorySegment.ofBuffer(bounce).copyFrom(slice);
                b = bounce;
            }
            while (b.hasRemaining()) out.write(b);
        }
    }
}
