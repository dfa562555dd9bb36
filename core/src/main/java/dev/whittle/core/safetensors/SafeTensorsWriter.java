package dev.whittle.core.safetensors;

import dev.whittle.core.tensor.TensorSource;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;
import dev.whittle.core.util.AtomicFile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes SafeTensors files the way the reference library does: a compact JSON header with {@code __metadata__}
 * first (omitted when empty), padded with spaces so that the data starts at a multiple of 8, then the tensors'
 * bytes back to back. By default tensors are laid out in the reference order, by dtype alignment descending and
 * then by name, which keeps every tensor aligned to its element size; {@link Order#AS_GIVEN} keeps the caller's
 * order instead. Data is streamed from each {@link TensorSource} straight into the file channel.
 * <p>
 * Writes are atomic: everything goes to a temporary file beside the target, which is forced to disk and then
 * renamed over the target; on any failure or interrupt the temporary file is deleted and the target untouched.
 */
public final class SafeTensorsWriter {
    /** Tensor layout order in the file. */
    public enum Order {
        /** The reference library's: dtype alignment descending, then name (byte-wise). */
        REFERENCE,
        /** The order of the list passed to the writer. */
        AS_GIVEN
    }

    /** The reference library's dtype order (increasing alignment); sorting descends it. */
    private static final List<DType> REFERENCE_DTYPE_ORDER = List.of(DType.BOOL, DType.U8, DType.I8, DType.F8_E5M2,
            DType.F8_E4M3, DType.I16, DType.U16, DType.F16, DType.BF16, DType.I32, DType.U32, DType.F32, DType.F64,
            DType.I64, DType.U64);

    private Map<String, String> metadata = Map.of();
    private Order order = Order.REFERENCE;

    /** The {@code __metadata__} map, written in its iteration order. */
    public SafeTensorsWriter metadata(Map<String, String> metadata) {
        for (Map.Entry<String, String> e : metadata.entrySet())
            if (e.getKey() == null || e.getValue() == null) throw new IllegalArgumentException("__metadata__ keys and values must not be null");
        this.metadata = new LinkedHashMap<>(metadata);
        return this;
    }

    public SafeTensorsWriter order(Order order) {
        this.order = order;
        return this;
    }

    /** Writes {@code tensors} (views, for example from another file) to {@code target}. */
    public void writeTensors(Path target, List<Tensor> tensors) throws IOException {
        write(target, tensors.stream().map(TensorSource::of).toList());
    }

    /** Writes {@code tensors} to {@code target} atomically. */
    public void write(Path target, List<? extends TensorSource> tensors) throws IOException {
        List<TensorSource> ordered = ordered(tensors);
        Path tmp = AtomicFile.tempFor(target);
        try {
            writeFile(tmp, ordered);
            AtomicFile.commit(tmp, target);
        } catch (Throwable t) {
            deleteQuietly(tmp, t);
            throw t;
        }
    }

    /**
     * Writes {@code tensors} into {@code dir} as HF-style shards of at most {@code maxShardBytes} of tensor data
     * each (a larger tensor gets a shard of its own): {@code model-00001-of-0000N.safetensors} and a
     * {@value SafeTensorsModel#INDEX_FILE} whose weight map lists each tensor's shard. When everything fits in
     * one shard it writes a plain {@value SafeTensorsModel#SINGLE_FILE} instead (and removes a stale index).
     * Shards are written to temporary files first and renamed only when all succeeded, the index last.
     *
     * @return the index file, or the single file
     */
    public Path writeSharded(Path dir, List<? extends TensorSource> tensors, long maxShardBytes) throws IOException {
        if (maxShardBytes <= 0) throw new IllegalArgumentException("maxShardBytes must be positive, was " + maxShardBytes);
        List<TensorSource> ordered = ordered(tensors);
        List<List<TensorSource>> shards = split(ordered, maxShardBytes);
        if (shards.size() <= 1) {
            Path single = dir.resolve(SafeTensorsModel.SINGLE_FILE);
            write(single, ordered);
            Files.deleteIfExists(dir.resolve(SafeTensorsModel.INDEX_FILE));
            return single;
        }
        List<Path> temps = new ArrayList<>();
        List<Path> finals = new ArrayList<>();
        Map<String, String> weightMap = new TreeMap<>(SafeTensorsWriter::compareUtf8); // like Python's sort_keys
        long total = 0;
        try {
            for (int i = 0; i < shards.size(); i++) {
                String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
                Path target = dir.resolve(name);
                Path tmp = AtomicFile.tempFor(target);
                temps.add(tmp);
                finals.add(target);
                writeFile(tmp, shards.get(i));
                for (TensorSource s : shards.get(i)) {
                    weightMap.put(s.name(), name);
                    total += s.byteSize();
                }
            }
            Path index = dir.resolve(SafeTensorsModel.INDEX_FILE);
            Path indexTmp = AtomicFile.tempFor(index);
            temps.add(indexTmp);
            finals.add(index);
            Files.write(indexTmp, indexJson(total, weightMap));
            for (int i = 0; i < temps.size(); i++) AtomicFile.commit(temps.get(i), finals.get(i));
            return index;
        } catch (Throwable t) {
            for (Path tmp : temps) deleteQuietly(tmp, t);
            throw t;
        }
    }

    private static List<List<TensorSource>> split(List<TensorSource> ordered, long max) {
        List<List<TensorSource>> shards = new ArrayList<>();
        List<TensorSource> current = new ArrayList<>();
        long size = 0;
        for (TensorSource s : ordered) {
            if (!current.isEmpty() && s.byteSize() > max - size) {
                shards.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(s);
            size += s.byteSize();
        }
        if (!current.isEmpty()) shards.add(current);
        return shards;
    }

    private void writeFile(Path tmp, List<TensorSource> ordered) throws IOException {
        byte[] header = header(ordered, metadata);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer head = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(header.length).put(header).flip();
            while (head.hasRemaining()) ch.write(head);
            for (TensorSource s : ordered) {
                if (Thread.currentThread().isInterrupted()) throw new InterruptedIOException("interrupted before tensor " + s.name());
                CountingChannel out = new CountingChannel(ch, s.byteSize());
                s.writeTo(out);
                if (out.written != s.byteSize())
                    throw new IllegalStateException("tensor " + s.name() + ": source wrote " + out.written + " bytes but declared " + s.byteSize());
            }
            ch.force(true);
        }
    }

    /** Validates the sources and puts them in file order. */
    private List<TensorSource> ordered(List<? extends TensorSource> tensors) {
        Set<String> names = new HashSet<>();
        for (TensorSource s : tensors) {
            String n = s.name();
            if (n == null) throw new IllegalArgumentException("tensor name must not be null");
            if (n.equals(SafeTensorsHeader.METADATA_KEY)) throw new IllegalArgumentException("tensor name " + n + " is reserved");
            if (!names.add(n)) throw new IllegalArgumentException("duplicate tensor name " + n);
            if (s.dtype().safetensorsName() == null) throw new IllegalArgumentException("tensor " + n + ": dtype " + s.dtype() + " cannot be stored in SafeTensors");
            long elements = Tensor.elementCount(s.shape());
            long need = elements < 0 ? -1 : s.dtype().byteSize(elements);
            if (need < 0) throw new IllegalArgumentException("tensor " + n + ": invalid shape " + Arrays.toString(s.shape()));
            if (need != s.byteSize()) throw new IllegalArgumentException("tensor " + n + ": byteSize " + s.byteSize() + " but " + s.dtype() + Arrays.toString(s.shape()) + " needs " + need);
        }
        List<TensorSource> list = new ArrayList<>(tensors);
        if (order == Order.REFERENCE) {
            list.sort(Comparator.comparingInt((TensorSource s) -> -REFERENCE_DTYPE_ORDER.indexOf(s.dtype()))
                    .thenComparing(TensorSource::name, SafeTensorsWriter::compareUtf8));
        }
        return list;
    }

    /** Byte-wise UTF-8 order, which is code point order (Java's compareTo is UTF-16 order). */
    static int compareUtf8(String a, String b) {
        return Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
    }

    /** The header JSON with contiguous offsets in the given order, padded with spaces to a multiple of 8. */
    static byte[] header(List<TensorSource> ordered, Map<String, String> metadata) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = SafeTensorsHeader.JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            if (!metadata.isEmpty()) {
                g.writeObjectFieldStart(SafeTensorsHeader.METADATA_KEY);
                for (Map.Entry<String, String> e : metadata.entrySet()) g.writeStringField(e.getKey(), e.getValue());
                g.writeEndObject();
            }
            long offset = 0;
            for (TensorSource s : ordered) {
                g.writeObjectFieldStart(s.name());
                g.writeStringField("dtype", s.dtype().safetensorsName());
                g.writeArrayFieldStart("shape");
                for (long d : s.shape()) g.writeNumber(d);
                g.writeEndArray();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(offset);
                g.writeNumber(offset + s.byteSize());
                g.writeEndArray();
                g.writeEndObject();
                offset += s.byteSize();
            }
            g.writeEndObject();
        }
        int pad = (8 - out.size() % 8) % 8;
        for (int i = 0; i < pad; i++) out.write(' ');
        if (out.size() > SafeTensorsHeader.MAX_HEADER_BYTES) throw new IllegalArgumentException("header of " + out.size() + " bytes exceeds the SafeTensors limit of " + SafeTensorsHeader.MAX_HEADER_BYTES);
        return out.toByteArray();
    }

    private static byte[] indexJson(long totalSize, Map<String, String> weightMap) throws IOException {
        ObjectNode root = SafeTensorsHeader.JSON.createObjectNode();
        root.putObject("metadata").put("total_size", totalSize);
        ObjectNode wm = root.putObject("weight_map");
        weightMap.forEach(wm::put);
        return (SafeTensorsHeader.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static void deleteQuietly(Path tmp, Throwable cause) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /** Hands a source the file channel, counting what it writes and refusing more than it declared. */
    private static final class CountingChannel implements WritableByteChannel {
        private final FileChannel ch;
        private final long limit;
        long written;

        CountingChannel(FileChannel ch, long limit) {
            this.ch = ch;
            this.limit = limit;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (src.remaining() > limit - written) throw new IllegalStateException("source wrote more than its declared " + limit + " bytes");
            int n = ch.write(src);
            written += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return ch.isOpen();
        }

        /** The file is the writer's to close, not the source's. */
        @Override
        public void close() {
        }
    }
}
