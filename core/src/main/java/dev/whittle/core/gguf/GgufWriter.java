package dev.whittle.core.gguf;

import dev.whittle.core.tensor.TensorSource;

import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;
import dev.whittle.core.util.AtomicFile;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes GGUF files (v3 by default, or v2: the little-endian layouts are identical), laid out as gguf-py's
 * {@code GGUFWriter} and llama.cpp do, so such a file read with {@link GgufFile} and written back through
 * {@link #copyOf} is byte-identical (a file with tensors placed otherwise comes out in this canonical layout):
 * <ul>
 *   <li>header, then metadata in insertion order with the given types, then tensor infos in insertion order;</li>
 *   <li>ALIGNMENT = uint32 {@code general.alignment} if set (a power of two), else 32;</li>
 *   <li>if there are tensors: zero padding up to a multiple of ALIGNMENT, then each tensor's bytes followed by
 *       zero padding to a multiple of ALIGNMENT (after the last tensor too), so tensor i's offset is the sum
 *       of the padded sizes of tensors 0..i-1;</li>
 *   <li>with no tensors (vocab-only files) the file ends right after the metadata, as gguf-py writes them.</li>
 * </ul>
 * Tensors take whittle shapes (outermost first) and are written with GGUF's reversed {@code ne}. Their data is
 * streamed through a {@link FileChannel} one tensor at a time from {@link TensorSource}s, so the file is
 * never held in memory. Writing is atomic: a temp file in the target's directory is filled, forced to disk and
 * moved over the target with ATOMIC_MOVE; on any failure or interrupt it is deleted and the target is left
 * untouched.
 */
public final class GgufWriter {
    private static final int BUFFER_BYTES = 1 << 16;

    private int version = 3;
    private final LinkedHashMap<String, GgufValue> metadata = new LinkedHashMap<>();
    private final LinkedHashMap<String, TensorSource> tensors = new LinkedHashMap<>();

    public GgufWriter() {}

    /** A writer holding {@code f}'s version, metadata and tensors (as views: keep {@code f} open until written). */
    public static GgufWriter copyOf(GgufFile f) {
        GgufWriter w = new GgufWriter().version(f.version()).putAll(f.metadata());
        for (Tensor t : f.tensors()) w.add(t);
        return w;
    }

    /** Sets the GGUF version to write: 2 or 3. */
    public GgufWriter version(int v) {
        if (v != 2 && v != 3) throw new IllegalArgumentException("GGUF version " + v + " cannot be written (2 or 3)");
        this.version = v;
        return this;
    }

    public int version() { return version; }

    /** Adds a key at the end, or replaces its value in place if the key is already set. */
    public GgufWriter put(String key, GgufValue value) {
        if (key == null || value == null) throw new IllegalArgumentException("null metadata key or value");
        if (value.type() == GgufType.ARRAY && value.elementType() == null)
            throw new IllegalArgumentException("metadata " + key + ": array without an element type");
        if (key.equals(GgufFile.ALIGNMENT_KEY)) checkAlignment(value);
        metadata.put(key, value);
        return this;
    }

    public GgufWriter putAll(Map<String, GgufValue> values) {
        values.forEach(this::put);
        return this;
    }

    public GgufWriter remove(String key) {
        metadata.remove(key);
        return this;
    }

    /** The metadata to write, in order (unmodifiable view). */
    public Map<String, GgufValue> metadata() { return Collections.unmodifiableMap(metadata); }

    public GgufWriter add(Tensor t) {
        return add(TensorSource.of(t));
    }

    /** Appends a tensor; its dtype must exist in GGUF and its innermost dimension be a whole number of blocks. */
    public GgufWriter add(TensorSource t) {
        if (tensors.containsKey(t.name())) throw new IllegalArgumentException("tensor " + t.name() + " added twice");
        check(t);
        tensors.put(t.name(), t);
        return this;
    }

    /**
     * Swaps the tensor of the same name for {@code t}, keeping its place in the file (for example a quantized
     * version of a tensor taken over by {@link #copyOf}).
     */
    public GgufWriter replace(TensorSource t) {
        if (!tensors.containsKey(t.name())) throw new IllegalArgumentException("no tensor " + t.name() + " to replace");
        check(t);
        tensors.put(t.name(), t);
        return this;
    }

    private static void check(TensorSource t) {
        String name = t.name();
        long[] shape = t.shape();
        DType dt = t.dtype();
        if (dt.ggmlType() < 0) throw new IllegalArgumentException("tensor " + name + ": " + dt + " has no GGUF type");
        if (shape.length > GgufFile.MAX_DIMS) throw new IllegalArgumentException("tensor " + name + ": " + shape.length + " dimensions (at most " + GgufFile.MAX_DIMS + ")");
        long n = Tensor.elementCount(shape);
        if (n < 0) throw new IllegalArgumentException("tensor " + name + ": bad shape " + java.util.Arrays.toString(shape));
        if (shape.length > 0 && shape[shape.length - 1] % dt.blockSize() != 0)
            throw new IllegalArgumentException("tensor " + name + ": row length " + shape[shape.length - 1] + " is not a multiple of the " + dt + " block size " + dt.blockSize());
        if (t.byteSize() != dt.byteSize(n))
            throw new IllegalArgumentException("tensor " + name + ": " + t.byteSize() + " bytes of data, but " + dt + java.util.Arrays.toString(shape) + " takes " + dt.byteSize(n));
    }

    public GgufWriter removeTensor(String name) {
        tensors.remove(name);
        return this;
    }

    /** The tensors to write, in order. */
    public List<TensorSource> tensors() { return List.copyOf(tensors.values()); }

    /** The data alignment the file will use. */
    public int alignment() {
        GgufValue v = metadata.get(GgufFile.ALIGNMENT_KEY);
        return v == null ? GgufFile.DEFAULT_ALIGNMENT : (int) v.asLong();
    }

    private static void checkAlignment(GgufValue v) {
        if (v.type() != GgufType.UINT32 || !(v.value() instanceof Number n))
            throw new IllegalArgumentException(GgufFile.ALIGNMENT_KEY + " must be a uint32, found " + v.type());
        long a = n.longValue();
        if (a <= 0 || Long.bitCount(a) != 1 || a > GgufFile.MAX_ALIGNMENT)
            throw new IllegalArgumentException(GgufFile.ALIGNMENT_KEY + " = " + a + " is not a power of two up to " + GgufFile.MAX_ALIGNMENT);
    }

    /**
     * Writes the file atomically. Tensor sources are asked for their bytes one at a time, in order.
     *
     * @throws IOException on I/O failure or interrupt ({@link InterruptedIOException}); the target is untouched
     * @throws IllegalArgumentException if a metadata value does not match its type, or a tensor source writes
     *         a wrong number of bytes; the target is untouched
     */
    public void write(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path tmp = AtomicFile.tempFor(abs); // beside the target, its directory created
        FileChannel ch = null;
        try {
            ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
            writeTo(ch, abs);
            ch.force(true);
            ch.close();
            AtomicFile.commit(tmp, abs);
        } catch (Throwable e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException c) {
                    e.addSuppressed(c);
                }
            }
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException d) {
                e.addSuppressed(d);
            }
            if (e instanceof ClosedChannelException && Thread.currentThread().isInterrupted()) {
                InterruptedIOException ie = new InterruptedIOException("interrupted while writing " + abs);
                ie.initCause(e);
                throw ie;
            }
            throw e;
        }
    }

    private void writeTo(FileChannel ch, Path target) throws IOException {
        int alignment = alignment();
        HeaderSink out = new HeaderSink(ch);
        out.i32(GgufFile.MAGIC);
        out.i32(version);
        out.i64(tensors.size());
        out.i64(metadata.size());
        for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
            out.string(e.getKey());
            GgufValue v = e.getValue();
            out.i32(v.type().id());
            value(out, e.getKey(), v.type(), v.elementType(), v.value(), 0);
        }
        long offset = 0;
        List<Long> offsets = new ArrayList<>(tensors.size());
        for (TensorSource t : tensors.values()) {
            long[] shape = t.shape();
            out.string(t.name());
            out.i32(shape.length);
            for (int d = shape.length - 1; d >= 0; d--) out.i64(shape[d]);
            out.i32(t.dtype().ggmlType());
            out.i64(offset);
            offsets.add(offset);
            offset += GgufFile.alignUp(t.byteSize(), alignment);
        }
        if (tensors.isEmpty()) {
            out.flush();
            return;
        }
        out.zeros(GgufFile.alignUp(out.position(), alignment) - out.position());
        out.flush();
        long dataStart = ch.position();
        int i = 0;
        for (TensorSource t : tensors.values()) {
            if (Thread.currentThread().isInterrupted()) throw new InterruptedIOException("interrupted while writing " + target);
            long start = ch.position();
            if (start - dataStart != offsets.get(i++)) throw new IllegalStateException("tensor " + t.name() + " would start at data offset " + (start - dataStart) + " instead of " + offsets.get(i - 1));
            BoundedChannel bounded = new BoundedChannel(ch, t.byteSize(), t.name());
            t.writeTo(bounded);
            bounded.close();
            if (bounded.written != t.byteSize())
                throw new IllegalArgumentException("tensor " + t.name() + ": its source wrote " + bounded.written + " bytes instead of " + t.byteSize());
            out.zeros(GgufFile.alignUp(t.byteSize(), alignment) - t.byteSize());
            out.flush();
        }
    }

    /** Encodes one value (no type tag), checking that the Java value fits the declared type. */
    private static void value(HeaderSink out, String key, GgufType type, GgufType elem, Object v, int depth) throws IOException {
        switch (type) {
            case UINT8 -> out.i8((int) integer(key, type, v, 0, 0xFF));
            case INT8 -> out.i8((int) integer(key, type, v, Byte.MIN_VALUE, Byte.MAX_VALUE));
            case UINT16 -> out.i16((int) integer(key, type, v, 0, 0xFFFF));
            case INT16 -> out.i16((int) integer(key, type, v, Short.MIN_VALUE, Short.MAX_VALUE));
            case UINT32 -> out.i32((int) integer(key, type, v, 0, 0xFFFF_FFFFL));
            case INT32 -> out.i32((int) integer(key, type, v, Integer.MIN_VALUE, Integer.MAX_VALUE));
            case UINT64, INT64 -> out.i64(integer(key, type, v, Long.MIN_VALUE, Long.MAX_VALUE));
            case FLOAT32 -> {
                if (!(v instanceof Number n)) throw mismatch(key, type, v);
                out.i32(n instanceof Float f ? Float.floatToRawIntBits(f) : Float.floatToRawIntBits(n.floatValue()));
            }
            case FLOAT64 -> {
                if (!(v instanceof Number n)) throw mismatch(key, type, v);
                out.i64(Double.doubleToRawLongBits(n.doubleValue()));
            }
            case BOOL -> {
                if (!(v instanceof Boolean b)) throw mismatch(key, type, v);
                out.i8(b ? 1 : 0);
            }
            case STRING -> {
                if (!(v instanceof String s)) throw mismatch(key, type, v);
                out.string(s);
            }
            case ARRAY -> {
                if (depth >= GgufHeaderReader.MAX_NESTING) throw new IllegalArgumentException("metadata " + key + ": arrays nested deeper than " + GgufHeaderReader.MAX_NESTING);
                if (elem == null) throw new IllegalArgumentException("metadata " + key + ": array without an element type");
                if (!(v instanceof List<?> items)) throw mismatch(key, type, v);
                out.i32(elem.id());
                out.i64(items.size());
                for (Object item : items) {
                    if (elem == GgufType.ARRAY) {
                        if (!(item instanceof GgufValue g) || g.type() != GgufType.ARRAY) throw mismatch(key, elem, item);
                        value(out, key, GgufType.ARRAY, g.elementType(), g.value(), depth + 1);
                    } else {
                        value(out, key, elem, null, item, depth + 1);
                    }
                }
            }
        }
    }

    private static long integer(String key, GgufType type, Object v, long min, long max) {
        if (!(v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long)) throw mismatch(key, type, v);
        long x = ((Number) v).longValue();
        if (x < min || x > max) throw new IllegalArgumentException("metadata " + key + ": " + x + " does not fit in " + type);
        return x;
    }

    private static IllegalArgumentException mismatch(String key, GgufType type, Object v) {
        return new IllegalArgumentException("metadata " + key + ": " + (v == null ? "null" : v.getClass().getSimpleName()) + " value for type " + type);
    }

    /** Buffers the small header writes; large strings go straight to the channel. */
    private static final class HeaderSink {
        private final FileChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        private long flushed;

        HeaderSink(FileChannel ch) throws IOException {
            this.ch = ch;
            this.flushed = ch.position();
        }

        long position() { return flushed + buf.position(); }

        private void room(int n) throws IOException {
            if (buf.remaining() < n) flush();
        }

        void flush() throws IOException {
            buf.flip();
            while (buf.hasRemaining()) flushed += ch.write(buf);
            buf.clear();
        }

        void i8(int v) throws IOException { room(1); buf.put((byte) v); }

        void i16(int v) throws IOException { room(2); buf.putShort((short) v); }

        void i32(int v) throws IOException { room(4); buf.putInt(v); }

        void i64(long v) throws IOException { room(8); buf.putLong(v); }

        void string(String s) throws IOException {
            byte[] b = GgufStrings.toBytes(s);
            i64(b.length);
            if (b.length <= buf.capacity()) {
                room(b.length);
                buf.put(b);
            } else {
                flush();
                ByteBuffer big = ByteBuffer.wrap(b);
                while (big.hasRemaining()) flushed += ch.write(big);
            }
        }

        void zeros(long n) throws IOException {
            while (n > 0) {
                if (!buf.hasRemaining()) flush();
                int k = (int) Math.min(n, buf.remaining());
                buf.put(new byte[k]);
                n -= k;
            }
        }
    }

    /** Passes a tensor's bytes to the file, refusing more than the tensor's size so the layout stays intact. */
    private static final class BoundedChannel implements WritableByteChannel {
        private final FileChannel ch;
        private final long limit;
        private final String name;
        long written;
        private boolean open = true;

        BoundedChannel(FileChannel ch, long limit, String name) {
            this.ch = ch;
            this.limit = limit;
            this.name = name;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (!open) throw new ClosedChannelException();
            if (src.remaining() > limit - written)
                throw new IllegalArgumentException("tensor " + name + ": its source writes more than its " + limit + " bytes");
            int n = ch.write(src);
            written += n;
            return n;
        }

        @Override
        public boolean isOpen() { return open && ch.isOpen(); }

        /** Ends this tensor's writes; the file itself stays open. */
        @Override
        public void close() { open = false; }
    }
}
