package dev.whittle.core.gguf;

import dev.whittle.core.tensor.TensorSource;

import dev.whittle.core.tensor.DType;
import dev.whittle.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class GgufWriterTest {
    @TempDir
    Path tmp;

    private static byte[] seq(int n, int start) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (start + i);
        return b;
    }

    private List<Path> dirContents() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.toList();
        }
    }

    /** The exact bytes the spec (and gguf-py) prescribe, built field by field without the writer. */
    @Test
    void layoutMatchesSpecByteForByte() throws IOException {
        byte[] a = seq(12, 1), b = seq(12, 101);
        Path out = tmp.resolve("x.gguf");
        new GgufWriter()
                .put("general.architecture", GgufValue.string("llama"))
                .put("n", GgufValue.uint32(7))
                .add(new Tensor("a", new long[]{3}, DType.F32, MemorySegment.ofArray(a)))
                .add(new Tensor("b", new long[]{2, 3}, DType.F16, MemorySegment.ofArray(b)))
                .write(out);
        GgufBytes expected = GgufBytes.header(3, 2, 2)
                .kv("general.architecture", GgufType.STRING).str("llama")
                .kv("n", GgufType.UINT32).u32(7)
                .tensor("a", new long[]{3}, 0, 0)
                .tensor("b", new long[]{3, 2}, 1, 32) // ne innermost first; offset = 12 padded to 32
                .pad(32)
                .raw(a).zeros(20)
                .raw(b).zeros(20); // gguf-py pads after the last tensor too
        assertArrayEquals(expected.bytes(), Files.readAllBytes(out));
        try (GgufFile f = GgufFile.open(out)) {
            assertArrayEquals(new long[]{3, 2}, f.tensorInfo("b").orElseThrow().ne());
            assertArrayEquals(new long[]{2, 3}, f.tensor("b").orElseThrow().shape());
        }
    }

    /**
     * The same content as a script for gguf-py 0.19.0 (llama.cpp's reference writer) wrote: custom alignment 64,
     * every scalar type, nested arrays, F32/F16/Q8_0/I32 tensors of unaligned sizes. The SHA-256 is of the file
     * gguf-py produced (1,152 bytes), so this pins the whole layout, padding included, to the reference.
     */
    /** An output in a directory that does not exist yet: created, as for every other whittle output. */
    @Test
    void createsTheOutputDirectory() throws IOException {
        Path out = tmp.resolve("new/deeper/x.gguf");
        new GgufWriter().put("general.architecture", GgufValue.string("llama"))
                .add(new Tensor("a", new long[]{3}, DType.F32, MemorySegment.ofArray(seq(12, 1)))).write(out);
        assertTrue(Files.isRegularFile(out));
        try (var listing = Files.list(out.getParent())) {
            assertEquals(java.util.List.of(out), listing.toList(), "no temporary file left beside it");
        }
    }

    @Test
    void matchesGgufPyOutputByteForByte() throws IOException {
        MemorySegment a = MemorySegment.ofArray(new float[]{0, 1, 2, 3, 4});
        MemorySegment b = MemorySegment.ofArray(new short[6]);
        for (int i = 0; i < 6; i++) b.setAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT, i, Float.floatToFloat16(i));
        MemorySegment c = MemorySegment.ofArray(new int[]{0, 1, 2});
        Path out = tmp.resolve("like-gguf-py.gguf");
        new GgufWriter()
                .put("general.architecture", GgufValue.string("llama"))
                .put("general.alignment", GgufValue.uint32(64))
                .put("t.u8", GgufValue.uint8(250)).put("t.i8", GgufValue.int8((byte) -100))
                .put("t.u16", GgufValue.uint16(65000)).put("t.i16", GgufValue.int16((short) -30000))
                .put("t.u32", GgufValue.uint32(4_000_000_000L)).put("t.i32", GgufValue.int32(-2_000_000_000))
                .put("t.u64", GgufValue.uint64(Long.MIN_VALUE + 5)).put("t.i64", GgufValue.int64(-(1L << 62)))
                .put("t.f32", GgufValue.float32(0.1f)).put("t.f64", GgufValue.float64(1e-300))
                .put("t.b", GgufValue.bool(true)).put("t.s", GgufValue.string("héllo ✓"))
                .put("t.astr", GgufValue.array(GgufType.STRING, List.of("a", "bb", "ccc")))
                .put("t.aint", GgufValue.array(GgufType.INT32, List.of(1, -2, 3)))
                .put("t.af", GgufValue.array(GgufType.FLOAT32, List.of(0.5f, 1.5f)))
                .put("t.nested", GgufValue.array(GgufType.ARRAY, List.of(
                        GgufValue.array(GgufType.INT32, List.of(1, 2)), GgufValue.array(GgufType.INT32, List.of(3)),
                        GgufValue.array(GgufType.STRING, List.of("x", "y")))))
                .put("t.abool", GgufValue.array(GgufType.BOOL, List.of(true, false)))
                .add(new Tensor("a", new long[]{5}, DType.F32, a))
                .add(new Tensor("b", new long[]{2, 3}, DType.F16, b))
                .add(new Tensor("q", new long[]{1, 64}, DType.Q8_0, MemorySegment.ofArray(seq(68, 0))))
                .add(new Tensor("c", new long[]{3}, DType.I32, c))
                .write(out);
        assertEquals(1152, Files.size(out));
        assertEquals("d834583f216d761c8078da53f3c8bbb7b7ff25a5f9d332e6f1cbb1fc6c4bf18f", GgufFixtures.sha256(out));
    }

    @Test
    void alignmentComesFromGeneralAlignment() throws IOException {
        byte[] a = seq(4, 9), b = seq(8, 50);
        Path out = tmp.resolve("x.gguf");
        GgufWriter w = new GgufWriter().version(2)
                .put("general.alignment", GgufValue.uint32(64))
                .add(new Tensor("a", new long[]{1}, DType.F32, MemorySegment.ofArray(a)))
                .add(new Tensor("b", new long[]{1, 2}, DType.F32, MemorySegment.ofArray(b)));
        assertEquals(64, w.alignment());
        w.write(out);
        GgufBytes expected = GgufBytes.header(2, 2, 1)
                .kv("general.alignment", GgufType.UINT32).u32(64)
                .tensor("a", new long[]{1}, 0, 0)
                .tensor("b", new long[]{2, 1}, 0, 64)
                .pad(64).raw(a).zeros(60).raw(b).zeros(56);
        assertArrayEquals(expected.bytes(), Files.readAllBytes(out));
        try (GgufFile f = GgufFile.open(out)) {
            assertEquals(2, f.version());
            assertEquals(64, f.alignment());
            assertEquals(0, f.dataOffset() % 64);
        }
    }

    @Test
    void noTensorsMeansNoPadding() throws IOException {
        Path out = tmp.resolve("vocab.gguf");
        new GgufWriter().put("k", GgufValue.bool(true)).write(out);
        assertArrayEquals(GgufBytes.header(3, 0, 1).kv("k", GgufType.BOOL).u8(1).bytes(), Files.readAllBytes(out));
    }

    @Test
    void everyValueTypeRoundTrips() throws IOException {
        GgufValue nested = GgufValue.array(GgufType.ARRAY, List.of(
                GgufValue.array(GgufType.INT32, List.of(1, -2, 3)),
                GgufValue.array(GgufType.STRING, List.of("x", "")),
                GgufValue.array(GgufType.ARRAY, List.of(GgufValue.array(GgufType.FLOAT64, List.of(0.5, -1e300)))),
                GgufValue.array(GgufType.BOOL, List.of())));
        GgufWriter w = new GgufWriter()
                .put("u8", GgufValue.uint8(255)).put("i8", GgufValue.int8((byte) -128))
                .put("u16", GgufValue.uint16(65535)).put("i16", GgufValue.int16((short) -32768))
                .put("u32", GgufValue.uint32(0xFFFF_FFFFL)).put("i32", GgufValue.int32(Integer.MIN_VALUE))
                .put("u64", GgufValue.uint64(-1L)).put("i64", GgufValue.int64(Long.MIN_VALUE))
                .put("f32", GgufValue.float32(Float.intBitsToFloat(0x7fc0_1234))) // a NaN with a payload
                .put("negzero", GgufValue.float32(-0f))
                .put("f64", GgufValue.float64(Math.PI)).put("t", GgufValue.bool(true)).put("f", GgufValue.bool(false))
                .put("s", GgufValue.string("héllo \uD83D\uDE00 wörld"))
                .put("empty", GgufValue.string(""))
                .put("au8", GgufValue.array(GgufType.UINT8, List.of(0, 200, 255)))
                .put("ai8", GgufValue.array(GgufType.INT8, List.of((byte) -1, (byte) 127)))
                .put("au16", GgufValue.array(GgufType.UINT16, List.of(65535, 1)))
                .put("ai16", GgufValue.array(GgufType.INT16, List.of((short) -5)))
                .put("au32", GgufValue.array(GgufType.UINT32, List.of(4294967295L, 0L)))
                .put("ai32", GgufValue.array(GgufType.INT32, List.of(-7, 8)))
                .put("au64", GgufValue.array(GgufType.UINT64, List.of(-1L)))
                .put("ai64", GgufValue.array(GgufType.INT64, List.of(Long.MAX_VALUE, 0L)))
                .put("af32", GgufValue.array(GgufType.FLOAT32, List.of(1.5f, -0f, Float.NEGATIVE_INFINITY)))
                .put("af64", GgufValue.array(GgufType.FLOAT64, List.of(2.25)))
                .put("abool", GgufValue.array(GgufType.BOOL, List.of(true, false, true)))
                .put("astr", GgufValue.array(GgufType.STRING, List.of("a", "", "ü")))
                .put("aempty", GgufValue.array(GgufType.FLOAT32, List.of()))
                .put("nested", nested);
        Path out = tmp.resolve("types.gguf");
        w.write(out);
        Path again = tmp.resolve("again.gguf");
        try (GgufFile f = GgufFile.open(out)) {
            assertEquals(w.metadata(), f.metadata());
            assertEquals(List.copyOf(w.metadata().keySet()), List.copyOf(f.metadata().keySet()), "order kept");
            assertEquals(0x7fc0_1234, Float.floatToRawIntBits((Float) f.get("f32").orElseThrow().value()));
            assertEquals(0x8000_0000, Float.floatToRawIntBits((Float) f.get("negzero").orElseThrow().value()));
            assertEquals(-1L, f.get("u64").orElseThrow().asLong());
            GgufValue n = f.get("nested").orElseThrow();
            assertEquals(GgufType.ARRAY, n.elementType());
            GgufValue inner = (GgufValue) n.asList().get(2);
            assertEquals(GgufType.ARRAY, inner.elementType());
            assertEquals(-1e300, ((GgufValue) inner.asList().get(0)).asList().get(1));
            GgufWriter.copyOf(f).write(again);
        }
        assertArrayEquals(Files.readAllBytes(out), Files.readAllBytes(again));
    }

    /** Bytes that are not UTF-8 (lone continuation, truncated sequences, an encoded surrogate) survive exactly. */
    @Test
    void invalidUtf8SurvivesRoundTrip() throws IOException {
        byte[] bad = {'a', (byte) 0xFF, (byte) 0xC3, '(', (byte) 0xED, (byte) 0xA0, (byte) 0x80, 'z', (byte) 0xF0, (byte) 0x9F, (byte) 0x98};
        byte[] badKey = {'k', (byte) 0x80};
        byte[] file = GgufBytes.header(3, 0, 2)
                .kv("s", GgufType.STRING).strBytes(bad)
                .strBytes(badKey).u32(GgufType.ARRAY.id()).u32(GgufType.STRING.id()).u64(2).strBytes(bad).str("ok")
                .bytes();
        Path out = tmp.resolve("utf8.gguf");
        try (GgufFile f = GgufFile.parse(MemorySegment.ofArray(file), Path.of("utf8-input.gguf"))) {
            assertArrayEquals(bad, f.get("s").orElseThrow().asBytes());
            assertEquals('a', f.get("s").orElseThrow().asString().charAt(0));
            GgufWriter.copyOf(f).write(out);
        }
        assertArrayEquals(file, Files.readAllBytes(out));
    }

    @Test
    void lazySourcesAreWrittenInOrderAndChecked() throws IOException {
        byte[] part1 = seq(20, 0), part2 = seq(12, 20);
        List<String> calls = new java.util.ArrayList<>();
        TensorSource lazy = TensorSource.lazy("lazy", new long[]{2, 4}, DType.F32, ch -> {
            calls.add("lazy");
            ch.write(ByteBuffer.wrap(part1));
            ch.write(ByteBuffer.wrap(part2));
        });
        assertEquals(32, lazy.byteSize());
        Path out = tmp.resolve("lazy.gguf");
        new GgufWriter().add(new Tensor("first", new long[]{1}, DType.I32, MemorySegment.ofArray(seq(4, 7)))).add(lazy).write(out);
        assertEquals(List.of("lazy"), calls);
        try (GgufFile f = GgufFile.open(out)) {
            MemorySegment d = f.tensor("lazy").orElseThrow().data();
            assertEquals(32, f.tensorInfo("lazy").orElseThrow().offset());
            for (int i = 0; i < 32; i++) assertEquals(i, d.getAtIndex(java.lang.foreign.ValueLayout.JAVA_BYTE, i));
        }
    }

    /** A quantizer's path: copy a real model, swap one tensor for a lazily produced one, keep everything else. */
    @Test
    void replaceKeepsOrderAndOtherTensors() throws IOException {
        Path out = tmp.resolve("swapped.gguf");
        try (GgufFile src = GgufFile.open(GgufFixtures.model(GgufFixtures.STORIES))) {
            GgufTensorInfo norm = src.tensorInfo("output_norm.weight").orElseThrow();
            GgufWriter w = GgufWriter.copyOf(src).put("general.name", GgufValue.string("swapped"))
                    .replace(TensorSource.lazy(norm.name(), norm.shape(), DType.F16, ch -> ch.write(ByteBuffer.wrap(seq(128, 3)))));
            assertThrows(IllegalArgumentException.class, () -> w.replace(TensorSource.lazy("nope", new long[]{1}, DType.F32, ch -> {})));
            w.write(out);
            try (GgufFile f = GgufFile.open(out)) {
                assertEquals(src.tensorInfos().stream().map(GgufTensorInfo::name).toList(), f.tensorInfos().stream().map(GgufTensorInfo::name).toList());
                assertEquals(List.copyOf(src.metadata().keySet()), List.copyOf(f.metadata().keySet()));
                assertEquals("swapped", f.get("general.name").orElseThrow().asString());
                Tensor swapped = f.tensor("output_norm.weight").orElseThrow();
                assertEquals(DType.F16, swapped.dtype());
                assertArrayEquals(seq(128, 3), swapped.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                // output.weight follows the now smaller norm (128 bytes, padded to 128): same bytes, new offset.
                Tensor before = src.tensor("output.weight").orElseThrow(), after = f.tensor("output.weight").orElseThrow();
                assertEquals(src.tensorInfo("output.weight").orElseThrow().offset() - 128, f.tensorInfo("output.weight").orElseThrow().offset());
                assertEquals(-1, before.data().mismatch(after.data()));
            }
        }
    }

    @Test
    void failedSourceLeavesNoOutputAndKeepsOldTarget() throws IOException {
        Path out = tmp.resolve("model.gguf");
        Files.writeString(out, "old contents");
        TensorSource failing = TensorSource.lazy("boom", new long[]{4}, DType.F32, ch -> {
            ch.write(ByteBuffer.wrap(new byte[8]));
            throw new IOException("disk on fire");
        });
        GgufWriter w = new GgufWriter().put("k", GgufValue.string("v")).add(failing);
        IOException e = assertThrows(IOException.class, () -> w.write(out));
        assertEquals("disk on fire", e.getMessage());
        assertEquals("old contents", Files.readString(out));
        assertEquals(List.of(out), dirContents());
    }

    @Test
    void sourceWritingTheWrongByteCountIsRefused() throws IOException {
        Path out = tmp.resolve("model.gguf");
        GgufWriter shortW = new GgufWriter().add(TensorSource.lazy("short", new long[]{4}, DType.F32, ch -> ch.write(ByteBuffer.wrap(new byte[15]))));
        IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class, () -> shortW.write(out));
        assertTrue(e1.getMessage().contains("short") && e1.getMessage().contains("15"), e1.getMessage());
        GgufWriter longW = new GgufWriter().add(TensorSource.lazy("long", new long[]{4}, DType.F32, ch -> ch.write(ByteBuffer.wrap(new byte[17]))));
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> longW.write(out));
        assertTrue(e2.getMessage().contains("long"), e2.getMessage());
        assertEquals(List.of(), dirContents());
    }

    @Test
    void interruptAbortsAndCleansUp() throws IOException {
        Path out = tmp.resolve("model.gguf");
        Tensor t = new Tensor("t", new long[]{8}, DType.F32, MemorySegment.ofArray(new byte[32]));
        try {
            Thread.currentThread().interrupt();
            assertThrows(InterruptedIOException.class, () -> new GgufWriter().add(t).write(out));
            assertTrue(Thread.interrupted(), "the interrupt status stays set");
            // An interrupt arriving while a lazy source runs stops the writer before the next tensor.
            TensorSource interrupting = TensorSource.lazy("i", new long[]{1}, DType.F32, ch -> {
                ch.write(ByteBuffer.wrap(new byte[4]));
                Thread.currentThread().interrupt();
            });
            assertThrows(InterruptedIOException.class, () -> new GgufWriter().add(interrupting).add(t).write(out));
        } finally {
            Thread.interrupted();
        }
        assertEquals(List.of(), dirContents());
    }

    @Test
    void misuseIsRejected() throws IOException {
        Tensor t = new Tensor("t", new long[]{2}, DType.F32, MemorySegment.ofArray(new byte[8]));
        GgufWriter w = new GgufWriter().add(t);
        assertThrows(IllegalArgumentException.class, () -> w.add(t), "duplicate tensor");
        assertThrows(IllegalArgumentException.class, () -> w.version(1));
        assertThrows(IllegalArgumentException.class, () -> w.put("general.alignment", GgufValue.uint32(48)));
        assertThrows(IllegalArgumentException.class, () -> w.put("general.alignment", GgufValue.int32(32)));
        assertThrows(IllegalArgumentException.class, () -> w.add(new Tensor("u", new long[]{2}, DType.U8, MemorySegment.ofArray(new byte[2]))), "no GGUF type");
        assertThrows(IllegalArgumentException.class, () -> w.add(new Tensor("q", new long[]{16}, DType.Q4_0, MemorySegment.ofArray(new byte[18]))), "partial block");
        assertThrows(IllegalArgumentException.class, () -> w.add(new Tensor("s", new long[]{3}, DType.F32, MemorySegment.ofArray(new byte[8]))), "size mismatch");
        Path out = tmp.resolve("bad.gguf");
        for (GgufValue bad : List.of(GgufValue.uint8(256), GgufValue.of(GgufType.INT16, 1.5), GgufValue.of(GgufType.STRING, 3),
                GgufValue.array(GgufType.INT32, List.of("x")), GgufValue.array(GgufType.ARRAY, List.of(5)),
                GgufValue.string("lone \uD800 surrogate"))) {
            GgufWriter bw = new GgufWriter().put("key.bad", bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bw.write(out), bad.toString());
            assertTrue(e.getMessage().contains("key.bad") || e.getMessage().contains("surrogate"), e.getMessage());
        }
        assertEquals(List.of(), dirContents());
    }
}
