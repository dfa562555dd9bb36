package dev.whittle.core.gguf;

import dev.whittle.core.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** Each kind of broken file gives a one-line ModelFormatException naming the file and the key or tensor. */
class GgufMalformedTest {
    private static final Path LABEL = Path.of("evil.gguf");
    private static final long HUGE = 1L << 60;

    @TempDir
    Path tmp;

    private static ModelFormatException assertBad(byte[] bytes, String... fragments) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufFile.parse(MemorySegment.ofArray(bytes), LABEL));
        String m = e.getMessage();
        assertTrue(m.startsWith("evil.gguf: "), m);
        assertFalse(m.contains("\n"), m);
        for (String f : fragments) assertTrue(m.contains(f), "'" + m + "' should mention '" + f + "'");
        assertEquals(LABEL, e.file());
        return e;
    }

    /** A valid file: two kvs, two F32 tensors "w" [4] at 0 and "v" [2] at 32. */
    private static GgufBytes valid(long wOffset, long vOffset) {
        return GgufBytes.header(3, 2, 2)
                .kv("general.name", GgufType.STRING).str("tiny")
                .kv("scores", GgufType.ARRAY).u32(GgufType.FLOAT32.id()).u64(2).f32(1f).f32(2f)
                .tensor("w", new long[]{4}, 0, wOffset)
                .tensor("v", new long[]{2}, 0, vOffset)
                .pad(32).zeros(32).zeros(8);
    }

    @Test
    void validBaselineParses() {
        try (GgufFile f = GgufFile.parse(valid(0, 32).segment(), LABEL)) {
            assertEquals(2, f.tensorInfos().size());
            assertEquals(8, f.tensor("v").orElseThrow().byteSize());
            assertEquals(f.segment().byteSize(), f.dataOffset() + 40);
        }
    }

    @Test
    void badMagicAndVersion() {
        byte[] b = valid(0, 32).bytes();
        b[2] = 'M';
        b[3] = 'L';
        assertBad(b, "bad magic");
        assertBad(new byte[0], "truncated");
        assertBad(new byte[]{'G', 'G', 'U'}, "truncated");
        assertBad(GgufBytes.header(1, 0, 0).bytes(), "version 1");
        assertBad(GgufBytes.header(4, 0, 0).bytes(), "version 4");
        assertBad(GgufBytes.header(Integer.reverseBytes(3), 0, 0).bytes(), "big-endian");
    }

    @Test
    void badMagicThroughOpenNamesTheFile() throws IOException {
        Path p = tmp.resolve("notgguf.gguf");
        Files.writeString(p, "PK\u0003\u0004 certainly a zip file");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufFile.open(p));
        assertTrue(e.getMessage().startsWith(p + ": bad magic"), e.getMessage());
        ModelFormatException missing = assertThrows(ModelFormatException.class, () -> GgufFile.open(tmp.resolve("absent.gguf")));
        assertTrue(missing.getMessage().contains("absent.gguf"), missing.getMessage());
    }

    @Test
    void truncatedSyntheticFileAtEveryByte() {
        byte[] b = valid(0, 32).bytes();
        for (int len = 0; len < b.length; len++) {
            byte[] cut = Arrays.copyOf(b, len);
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufFile.parse(MemorySegment.ofArray(cut), LABEL), "length " + len);
            assertTrue(e.getMessage().startsWith("evil.gguf: "), e.getMessage());
        }
    }

    @Test
    void truncationsNameTheirPlace() {
        GgufBytes meta = GgufBytes.header(3, 1, 1).kv("general.name", GgufType.STRING).u64(10).raw("abc".getBytes());
        assertBad(meta.bytes(), "truncated", "metadata general.name");
        assertBad(Arrays.copyOf(GgufBytes.header(3, 0, 0).bytes(), 12), "truncated", "tensor count");
        GgufBytes info = GgufBytes.header(3, 1, 0).str("blk.0.attn_q.weight").u32(2).u64(4);
        assertBad(info.bytes(), "truncated", "tensor blk.0.attn_q.weight");
        byte[] full = valid(0, 32).bytes();
        assertBad(Arrays.copyOf(full, full.length - 1), "tensor v", "past the end");
    }

    @Test
    void truncatedRealFixture() throws IOException {
        byte[] b = Files.readAllBytes(GgufFixtures.model(GgufFixtures.STORIES));
        // header, first kv, inside the token array, tensor infos, padding, inside the first and last tensor
        for (int len : new int[]{4, 20, 40, 1000, 13000, 14160, 14170, 14176 + 100, b.length - 1}) {
            assertBad(Arrays.copyOf(b, len), "truncated");
        }
        assertBad(Arrays.copyOf(b, 14176 + 100), "tensor token_embd.weight");
        assertBad(Arrays.copyOf(b, b.length - 1), "tensor blk.4.ffn_norm.weight");
    }

    @Test
    void absurdCountsAndLengths() {
        assertBad(GgufBytes.header(3, HUGE, 0).bytes(), "tensor count 1152921504606846976 does not fit");
        assertBad(GgufBytes.header(3, 0, HUGE).bytes(), "metadata count 1152921504606846976 does not fit");
        assertBad(GgufBytes.header(3, 0, -1).bytes(), "metadata count 18446744073709551615 does not fit");
        assertBad(GgufBytes.header(3, 0, 1).u64(HUGE).raw("k".getBytes()).u32(4).u32(0).bytes(), "metadata key #0");
        assertBad(GgufBytes.header(3, 0, 1).kv("tokenizer.ggml.model", GgufType.STRING).u64(HUGE).raw(new byte[20]).bytes(), "metadata tokenizer.ggml.model", "truncated");
        assertBad(GgufBytes.header(3, 0, 1).kv("tokenizer.ggml.tokens", GgufType.ARRAY).u32(GgufType.STRING.id()).u64(HUGE).raw(new byte[40]).bytes(),
                "metadata tokenizer.ggml.tokens", "array length 1152921504606846976");
        assertBad(GgufBytes.header(3, 0, 1).kv("a", GgufType.ARRAY).u32(GgufType.UINT8.id()).u64(-1).raw(new byte[40]).bytes(), "metadata a", "array length");
        assertBad(GgufBytes.header(3, 0, 1).kv("a", GgufType.ARRAY).u32(GgufType.ARRAY.id()).u64(1_000_000).raw(new byte[40]).bytes(), "metadata a", "array length");
        assertBad(GgufBytes.header(3, 1, 0).u64(HUGE).raw(new byte[30]).bytes(), "tensor name #0");
    }

    /** Lengths backed by real bytes but beyond whittle's limits: sparse files make the bytes cheap. */
    @Test
    void limitsOnPresentButHugeValues() throws IOException {
        Path strings = tmp.resolve("huge-string.gguf");
        Files.write(strings, GgufBytes.header(3, 0, 1).kv("tokenizer.huggingface.json", GgufType.STRING)
                .u64(GgufHeaderReader.MAX_STRING_BYTES + 1).bytes());
        try (RandomAccessFile f = new RandomAccessFile(strings.toFile(), "rw")) {
            f.setLength(GgufHeaderReader.MAX_STRING_BYTES + 100);
        }
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufFile.open(strings));
        assertTrue(e.getMessage().contains("metadata tokenizer.huggingface.json") && e.getMessage().contains("limit"), e.getMessage());

        Path arrays = tmp.resolve("huge-array.gguf");
        Files.write(arrays, GgufBytes.header(3, 0, 1).kv("a", GgufType.ARRAY).u32(GgufType.UINT8.id())
                .u64(GgufHeaderReader.MAX_ARRAY_ELEMENTS + 1).bytes());
        try (RandomAccessFile f = new RandomAccessFile(arrays.toFile(), "rw")) {
            f.setLength(GgufHeaderReader.MAX_ARRAY_ELEMENTS + 100);
        }
        e = assertThrows(ModelFormatException.class, () -> GgufFile.open(arrays));
        assertTrue(e.getMessage().contains("metadata a") && e.getMessage().contains("limit"), e.getMessage());
    }

    @Test
    void unknownTypes() {
        assertBad(GgufBytes.header(3, 0, 1).str("general.weird").u32(13).u32(0).bytes(), "metadata general.weird", "unknown value type 13");
        assertBad(GgufBytes.header(3, 0, 1).kv("arr", GgufType.ARRAY).u32(99).u64(0).bytes(), "metadata arr", "unknown value type 99");
        byte[] iq = GgufBytes.header(3, 1, 0).tensor("blk.0.ffn_up.weight", new long[]{256}, 16, 0).pad(32).zeros(256).bytes();
        assertBad(iq, "tensor blk.0.ffn_up.weight", "ggml type 16");
        assertBad(GgufBytes.header(3, 1, 0).tensor("t", new long[]{1}, 1000, 0).pad(32).zeros(32).bytes(), "tensor t", "ggml type 1000");
        assertBad(GgufBytes.header(3, 0, 1).kv("flag", GgufType.BOOL).u8(2).bytes(), "metadata flag", "bool byte 2");
    }

    @Test
    void badTensorOffsetsAndShapes() {
        assertBad(valid(0, 64).bytes(), "tensor v", "past the end");
        assertBad(valid(0, HUGE).bytes(), "tensor v", "past the end");
        assertBad(valid(0, -32).bytes(), "tensor v");
        assertBad(valid(4, 32).bytes(), "tensor w", "offset 4 is not a multiple of the alignment 32");
        assertBad(GgufBytes.header(3, 1, 0).tensor("big", new long[]{1L << 32, 1L << 32}, 0, 0).pad(32).zeros(32).bytes(), "tensor big", "overflows");
        assertBad(GgufBytes.header(3, 1, 0).tensor("neg", new long[]{-2}, 0, 0).pad(32).zeros(32).bytes(), "tensor neg", "dimension 0");
        assertBad(GgufBytes.header(3, 1, 0).tensor("deep", new long[9], 0, 0).pad(32).bytes(), "tensor deep", "9 dimensions");
        assertBad(GgufBytes.header(3, 1, 0).tensor("q", new long[]{16}, 2, 0).pad(32).zeros(32).bytes(), "tensor q", "block size 32");
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 3, 48, 1L << 31})
    void badAlignmentValues(long alignment) {
        byte[] b = GgufBytes.header(3, 0, 1).kv("general.alignment", GgufType.UINT32).u32(alignment).bytes();
        assertBad(b, "general.alignment", "power of two");
    }

    @Test
    void alignmentOfWrongType() {
        assertBad(GgufBytes.header(3, 0, 1).kv("general.alignment", GgufType.UINT64).u64(32).bytes(), "general.alignment", "uint32");
    }

    @Test
    void duplicates() {
        byte[] t = GgufBytes.header(3, 2, 0).tensor("blk.0.attn_norm.weight", new long[]{8}, 0, 0)
                .tensor("blk.0.attn_norm.weight", new long[]{8}, 0, 32).pad(32).zeros(64).bytes();
        assertBad(t, "tensor blk.0.attn_norm.weight", "duplicate");
        byte[] k = GgufBytes.header(3, 0, 2).kv("llama.block_count", GgufType.UINT32).u32(1)
                .kv("llama.block_count", GgufType.UINT32).u32(2).bytes();
        assertBad(k, "duplicate metadata key llama.block_count");
    }

    @Test
    void namesInMessagesAreEscapedAndShortened() {
        assertBad(GgufBytes.header(3, 0, 1).str("bad\nkey").u32(13).bytes(), "metadata bad\\x0akey: unknown value type 13");
        assertBad(GgufBytes.header(3, 0, 1).strBytes(new byte[]{'k', (byte) 0xFF}).u32(13).bytes(), "metadata k\\xff: unknown value type 13");
        String longName = "x".repeat(5000);
        ModelFormatException e = assertBad(GgufBytes.header(3, 1, 0).tensor(longName, new long[]{1}, 1000, 0).bytes(), "(5000 chars)", "ggml type 1000");
        assertTrue(e.getMessage().length() < 300, e.getMessage());
    }

    @Test
    void nestingIsBounded() {
        GgufBytes b = GgufBytes.header(3, 0, 1).kv("nest", GgufType.ARRAY);
        for (int i = 0; i < 20; i++) b.u32(GgufType.ARRAY.id()).u64(1);
        b.u32(GgufType.UINT8.id()).u64(0);
        assertBad(b.bytes(), "metadata nest", "nested deeper");
    }
}
