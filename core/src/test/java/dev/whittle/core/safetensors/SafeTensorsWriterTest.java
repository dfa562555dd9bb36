package dev.whittle.core.safetensors;

import dev.whittle.core.tensor.TensorSource;

import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsWriterTest {
    @TempDir
    Path dir;

    private static Tensor tensor(String name, DType dtype, long[] shape, long seed) {
        long bytes = dtype.byteSize(Tensor.elementCount(shape));
        byte[] data = new byte[(int) bytes];
        new Random(seed).nextBytes(data);
        return new Tensor(name, shape, dtype, MemorySegment.ofArray(data));
    }

    private static byte[] f32(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return b.array();
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) b.put(p);
        return b.array();
    }

    private static byte[] lengthLe(long n) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array();
    }

    private List<Path> tempFilesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    /** Byte-for-byte the outputs of the reference library's own serialization tests. */
    @Test
    void matchesReferenceSerializationVectors() throws IOException {
        byte[] data = f32(0, 1, 2, 3, 4, 5);
        Path p = dir.resolve("a.safetensors");
        new SafeTensorsWriter().writeTensors(p, List.of(new Tensor("attn.0", new long[]{1, 2, 3}, DType.F32, MemorySegment.ofArray(data))));
        String h1 = "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}";
        assertArrayEquals(concat(lengthLe(64), h1.getBytes(StandardCharsets.US_ASCII), data), Files.readAllBytes(p));

        new SafeTensorsWriter().writeTensors(p, List.of(new Tensor("attn0", new long[]{1, 1, 2, 3}, DType.F32, MemorySegment.ofArray(data))));
        String h2 = "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       ";
        assertArrayEquals(concat(lengthLe(72), h2.getBytes(StandardCharsets.US_ASCII), data), Files.readAllBytes(p));

        new SafeTensorsWriter().writeTensors(p, List.of());
        assertArrayEquals(concat(lengthLe(8), "{}      ".getBytes(StandardCharsets.US_ASCII)), Files.readAllBytes(p));

        new SafeTensorsWriter().metadata(Map.of("framework", "pt")).writeTensors(p, List.of());
        assertArrayEquals(concat(lengthLe(40), "{\"__metadata__\":{\"framework\":\"pt\"}}     ".getBytes(StandardCharsets.US_ASCII)), Files.readAllBytes(p));
        assertEquals(List.of(), tempFilesIn(dir));
    }

    /** Re-writing the fixture with its metadata reproduces its data buffer exactly (same order: all F32, by name). */
    @Test
    void rewritingTheFixtureKeepsEveryTensorByte() throws IOException {
        Path out = dir.resolve("copy.safetensors");
        try (SafeTensorsFile src = SafeTensorsFile.open(Fixtures.storiesHf())) {
            new SafeTensorsWriter().metadata(src.metadata()).writeTensors(out, src.tensors());
            try (SafeTensorsFile copy = SafeTensorsFile.open(out)) {
                assertEquals(src.names(), copy.names());
                assertEquals(src.metadata(), copy.metadata());
                for (String n : src.names()) {
                    assertArrayEquals(src.tensor(n).shape(), copy.tensor(n).shape(), n);
                    assertEquals(-1L, src.tensor(n).data().mismatch(copy.tensor(n).data()), n);
                }
            }
        }
        byte[] a = Files.readAllBytes(Fixtures.storiesHf());
        byte[] b = Files.readAllBytes(out);
        long na = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        long nb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, (8 + nb) % 8);
        assertEquals(a.length - 8 - na, b.length - 8 - nb);
        assertTrue(Arrays.equals(a, (int) (8 + na), a.length, b, (int) (8 + nb), b.length), "data buffers differ");
    }

    @Test
    void roundTripsMixedDtypesAndMetadata() throws IOException {
        List<Tensor> in = List.of(
                tensor("w.f32", DType.F32, new long[]{3, 5}, 1),
                tensor("w.f16", DType.F16, new long[]{7}, 2),
                tensor("w.bf16", DType.BF16, new long[]{2, 3, 1}, 3),
                tensor("idx", DType.I64, new long[]{3}, 4),
                tensor("mask", DType.BOOL, new long[]{5}, 5),
                tensor("q", DType.U8, new long[]{9}, 6),
                tensor("scalar", DType.F64, new long[]{}, 7),
                tensor("empty", DType.F32, new long[]{4, 0}, 8),
                tensor("e4m3", DType.F8_E4M3, new long[]{3}, 9),
                tensor("i32", DType.I32, new long[]{1, 1}, 10));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("note", "ünïcode \"quoted\" \n line");
        Path p = dir.resolve("mixed.safetensors");
        new SafeTensorsWriter().metadata(meta).writeTensors(p, in);
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertEquals(meta, f.metadata());
            assertEquals(in.size(), f.size());
            for (Tensor t : in) {
                Tensor r = f.tensor(t.name());
                assertEquals(t.dtype(), r.dtype(), t.name());
                assertArrayEquals(t.shape(), r.shape(), t.name());
                assertEquals(-1L, t.data().mismatch(r.data()), t.name());
                int elem = t.dtype().blockBytes();
                assertEquals(0, r.data().address() % elem, t.name() + " not aligned to its element size");
            }
            // Reference order: 8-byte dtypes first (I64 after F64 in the reference's enum, so I64 first), ..., 1-byte last.
            assertEquals(List.of("idx", "scalar", "w.f32", "i32", "w.bf16", "w.f16", "e4m3", "q", "mask"),
                    f.names().stream().filter(n -> !n.equals("empty")).toList());
        }
    }

    @Test
    void keepsTheGivenOrderWhenAsked() throws IOException {
        List<Tensor> in = List.of(tensor("z", DType.U8, new long[]{3}, 1), tensor("a", DType.F32, new long[]{2}, 2), tensor("m", DType.U8, new long[]{1}, 3));
        Path p = dir.resolve("o.safetensors");
        new SafeTensorsWriter().order(SafeTensorsWriter.Order.AS_GIVEN).writeTensors(p, in);
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertEquals(List.of("z", "a", "m"), f.names());
            for (Tensor t : in) assertEquals(-1L, t.data().mismatch(f.tensor(t.name()).data()));
        }
        new SafeTensorsWriter().writeTensors(p, in);
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertEquals(List.of("a", "m", "z"), f.names());
        }
    }

    @Test
    void namesSortByteWiseLikeTheReference() {
        // U+FF21 sorts before U+1F600 in UTF-16 order but after it in UTF-8 (code point) order.
        assertTrue(SafeTensorsWriter.compareUtf8("\uFF21", "\uD83D\uDE00") < 0);
        assertTrue("\uFF21".compareTo("\uD83D\uDE00") > 0);
        assertTrue(SafeTensorsWriter.compareUtf8("a.10", "a.9") < 0);
    }

    /** A lazily produced tensor: bytes computed in small chunks only when the writer asks. */
    private record Ramp(String name, int n) implements TensorSource {
        @Override public long[] shape() { return new long[]{n}; }
        @Override public DType dtype() { return DType.F32; }
        @Override public void writeTo(WritableByteChannel out) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                b.putFloat(i * 0.5f);
                if (!b.hasRemaining() || i == n - 1) {
                    b.flip();
                    while (b.hasRemaining()) out.write(b);
                    b.clear();
                }
            }
        }
    }

    @Test
    void streamsLazySources() throws IOException {
        Path p = dir.resolve("lazy.safetensors");
        new SafeTensorsWriter().write(p, List.of(new Ramp("r1", 1000), new Ramp("r0", 3)));
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertEquals(List.of("r0", "r1"), f.names());
            Tensor r = f.tensor("r1");
            for (int i : new int[]{0, 1, 17, 999}) assertEquals(i * 0.5f, r.data().get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4L * i));
        }
    }

    private record Broken(String name, int declared, int actual, boolean fail) implements TensorSource {
        @Override public long[] shape() { return new long[]{declared}; }
        @Override public DType dtype() { return DType.U8; }
        @Override public void writeTo(WritableByteChannel out) throws IOException {
            out.write(ByteBuffer.allocate(actual));
            if (fail) throw new IOException("disk on fire");
        }
    }

    @Test
    void failedWritesLeaveTheTargetUntouchedAndNoTempFiles() throws IOException {
        Path p = dir.resolve("t.safetensors");
        Files.writeString(p, "previous contents");
        assertThrows(IllegalStateException.class, () -> new SafeTensorsWriter().write(p, List.of(new Broken("short", 8, 5, false))));
        assertThrows(IllegalStateException.class, () -> new SafeTensorsWriter().write(p, List.of(new Broken("long", 8, 9, false))));
        IOException e = assertThrows(IOException.class, () -> new SafeTensorsWriter().write(p, List.of(new Ramp("ok", 4), new Broken("fails", 8, 8, true))));
        assertEquals("disk on fire", e.getMessage());
        assertEquals("previous contents", Files.readString(p));
        assertEquals(List.of(), tempFilesIn(dir));
    }

    @Test
    void interruptDeletesTheTempFile() throws IOException {
        Path p = dir.resolve("i.safetensors");
        TensorSource interrupting = new TensorSource() {
            @Override public String name() { return "x"; }
            @Override public long[] shape() { return new long[]{16}; }
            @Override public DType dtype() { return DType.U8; }
            @Override public void writeTo(WritableByteChannel out) throws IOException {
                Thread.currentThread().interrupt();
                out.write(ByteBuffer.allocate(16));
            }
        };
        // A slow lazy source that gets interrupted without touching the channel: the writer notices before the next tensor.
        TensorSource quietlyInterrupted = new TensorSource() {
            @Override public String name() { return "a"; }
            @Override public long[] shape() { return new long[]{0}; }
            @Override public DType dtype() { return DType.U8; }
            @Override public void writeTo(WritableByteChannel out) {
                Thread.currentThread().interrupt();
            }
        };
        try {
            assertThrows(ClosedByInterruptException.class, () -> new SafeTensorsWriter().write(p, List.of(interrupting)));
            assertTrue(Thread.interrupted());
            assertThrows(java.io.InterruptedIOException.class, () -> new SafeTensorsWriter().order(SafeTensorsWriter.Order.AS_GIVEN)
                    .write(p, List.of(quietlyInterrupted, new Ramp("b", 1))));
            assertTrue(Thread.interrupted());
        } finally {
            Thread.interrupted();
        }
        assertFalse(Files.exists(p));
        assertEquals(List.of(), tempFilesIn(dir));
    }

    @Test
    void rejectsApiMisuse() {
        Path p = dir.resolve("m.safetensors");
        SafeTensorsWriter w = new SafeTensorsWriter();
        Tensor a = tensor("a", DType.F32, new long[]{2}, 1);
        assertThrows(IllegalArgumentException.class, () -> w.writeTensors(p, List.of(a, a)));
        assertThrows(IllegalArgumentException.class, () -> w.writeTensors(p, List.of(a.withName("__metadata__"))));
        assertThrows(IllegalArgumentException.class, () -> w.writeTensors(p, List.of(new Tensor("q", new long[]{32}, DType.Q4_0, MemorySegment.ofArray(new byte[18])))));
        assertThrows(IllegalArgumentException.class, () -> w.writeTensors(p, List.of(new Tensor("b", new long[]{3}, DType.F32, MemorySegment.ofArray(new byte[8])))));
        assertThrows(IllegalArgumentException.class, () -> w.writeSharded(dir, List.of(), 0));
        assertFalse(Files.exists(p));
    }

    @Test
    void shardedRoundTripReadsBackEqual() throws IOException {
        Path out = dir.resolve("sharded");
        Files.createDirectory(out);
        try (SafeTensorsFile src = SafeTensorsFile.open(Fixtures.storiesHf())) {
            long total = src.tensors().stream().mapToLong(Tensor::byteSize).sum();
            long max = total / 3 + 1;
            Path index = new SafeTensorsWriter().metadata(src.metadata()).writeSharded(out, src.tensors().stream().map(TensorSource::of).toList(), max);
            assertEquals(out.resolve(SafeTensorsModel.INDEX_FILE), index);
            List<Path> shards;
            try (Stream<Path> s = Files.list(out)) {
                shards = s.filter(x -> x.toString().endsWith(".safetensors")).sorted().toList();
            }
            int count = shards.size();
            assertTrue(count >= 3, "at least ceil(total / max) = 3 shards, got " + count);
            assertEquals(String.format("model-00001-of-%05d.safetensors", count), shards.get(0).getFileName().toString());
            for (Path target : List.of(out, index)) {
                try (SafeTensorsModel m = SafeTensorsModel.open(target)) {
                    assertEquals(count, m.shards().size());
                    // Greedy packing: each shard fits, and the next shard's first tensor would not have fitted.
                    for (int i = 0; i < count; i++) {
                        long size = m.shards().get(i).tensors().stream().mapToLong(Tensor::byteSize).sum();
                        assertTrue(size <= max, "shard " + i + " holds " + size);
                        if (i + 1 < count) assertTrue(size + m.shards().get(i + 1).tensors().get(0).byteSize() > max, "shard " + i + " not full");
                    }
                    assertEquals(String.valueOf(total), m.indexMetadata().get("total_size"));
                    assertEquals(src.metadata(), m.metadata());
                    assertEquals(src.names(), m.names()); // weight map sorted by name, like the fixture
                    for (String n : src.names()) {
                        assertArrayEquals(src.tensor(n).shape(), m.tensor(n).shape(), n);
                        assertEquals(-1L, src.tensor(n).data().mismatch(m.tensor(n).data()), n);
                    }
                }
            }
            assertEquals(List.of(), tempFilesIn(out));
            // Everything fits: a plain model.safetensors, and the stale index goes.
            Path single = new SafeTensorsWriter().writeSharded(out, src.tensors().stream().map(TensorSource::of).toList(), total);
            assertEquals(out.resolve(SafeTensorsModel.SINGLE_FILE), single);
            assertFalse(Files.exists(index));
            try (SafeTensorsModel m = SafeTensorsModel.open(out)) {
                assertEquals(1, m.shards().size());
                assertEquals(47, m.size());
            }
        }
    }

    @Test
    void oversizedTensorGetsItsOwnShard() throws IOException {
        List<TensorSource> in = new ArrayList<>();
        for (String n : List.of("a", "b", "c")) in.add(TensorSource.of(tensor(n, DType.U8, new long[]{n.equals("b") ? 100 : 10}, 1)));
        Path index = new SafeTensorsWriter().writeSharded(dir, in, 15);
        try (SafeTensorsModel m = SafeTensorsModel.open(index)) {
            assertEquals(3, m.shards().size());
            assertEquals(List.of("a", "b", "c"), m.names());
            assertEquals(100, m.tensor("b").byteSize());
        }
    }
}
