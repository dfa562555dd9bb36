package dev.whittle.core.safetensors;

import com.sun.management.ThreadMXBean;
import dev.whittle.core.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One hand-built hostile file per validation rule; each must give a one-line ModelFormatException naming the problem. */
class SafeTensorsValidationTest {
    private static final String OK_ENTRY = "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    /** Parses {@code bytes} expecting a failure whose message contains every one of {@code parts}. */
    private static ModelFormatException rejects(byte[] bytes, String... parts) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Hostile.parse(bytes).close());
        String m = e.getMessage();
        assertTrue(m.startsWith(Hostile.LABEL + ": "), m);
        assertFalse(m.contains("\n") || m.contains("\r"), "not one line: " + m);
        for (String p : parts) assertTrue(m.contains(p), "expected '" + p + "' in: " + m);
        return e;
    }

    private static ModelFormatException rejects(String header, int dataBytes, String... parts) {
        return rejects(Hostile.file(header, dataBytes), parts);
    }

    @Test
    void fileShorterThanEightBytes() {
        for (int n = 0; n < 8; n++) rejects(new byte[n], "truncated", n + " bytes");
    }

    @Test
    void headerLengthBeyondLimitOrFile() {
        rejects(Hostile.file(100_000_001L, new byte[0], 0), "header length 100000001", "limit");
        rejects(Hostile.file(-1L, new byte[0], 0), "header length 18446744073709551615", "limit");
        byte[] h = "{}".getBytes(StandardCharsets.UTF_8);
        rejects(Hostile.file(3, h, 0), "header length 3", "past the end", "10 bytes");
    }

    @Test
    void headerNotUtf8JsonObject() {
        rejects(Hostile.file(new byte[]{'{', (byte) 0xC3, '}'}, 0), "not valid UTF-8");
        rejects(Hostile.file(new byte[]{'{', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'}, 0), "not valid UTF-8"); // UTF-8 encoded surrogate
        // UTF-16 would be guessed by Jackson from the zero bytes if we let it: must not parse.
        rejects(Hostile.file("{}".getBytes(StandardCharsets.UTF_16LE), 0), "not valid JSON");
        rejects("{\"a\":", 0, "not valid JSON");
        rejects("{} {}", 0, "not valid JSON");
        rejects("", 0, "empty");
        rejects("        ", 0, "empty");
        rejects("[]", 0, "not a JSON object", "a list");
        rejects("42", 0, "not a JSON object", "the number 42");
        // Deep nesting stops at Jackson's depth limit instead of overflowing the stack.
        rejects("{\"a\":" + "[".repeat(200_000), 0, "not valid JSON");
        rejects("{\"__metadata__\":{\"k\":\"a\",\"k\":\"b\"}}", 0, "not valid JSON", "Duplicate");
        rejects("{\"x\":" + OK_ENTRY + ",\"x\":" + OK_ENTRY + "}", 8, "not valid JSON", "Duplicate");
    }

    @Test
    void entryNotAnObject() {
        rejects("{\"w\":[1,2]}", 0, "tensor w", "not a JSON object", "a list");
        rejects("{\"w\":null}", 0, "tensor w", "not a JSON object", "null");
    }

    @Test
    void missingOrInvalidDtype() {
        rejects("{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "tensor w", "missing dtype");
        rejects("{\"w\":{\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "tensor w", "dtype is not a string");
        rejects("{\"w\":{\"dtype\":\"F31\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "tensor w", "unknown dtype F31");
        rejects("{\"w\":{\"dtype\":\"Q4_0\",\"shape\":[32],\"data_offsets\":[0,18]}}", 18, "tensor w", "unknown dtype Q4_0"); // GGUF-only
        rejects("{\"w\":{\"dtype\":\"f32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "unknown dtype f32"); // names are case-sensitive
    }

    @Test
    void shapeNotAListOfNonNegativeIntegers() {
        rejects("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8, "tensor w", "missing shape");
        rejects("{\"w\":{\"dtype\":\"F32\",\"shape\":2,\"data_offsets\":[0,8]}}", 8, "tensor w", "shape is not a list");
        rejects("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8, "tensor w", "shape[0]", "out of range");
        rejects("{\"w\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", 8, "tensor w", "shape[0]", "not an integer");
        rejects("{\"w\":{\"dtype\":\"F32\",\"shape\":[1,\"2\"],\"data_offsets\":[0,8]}}", 8, "tensor w", "shape[1]", "not an integer");
        rejects("{\"w\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,8]}}", 8, "shape[0]", "out of range");
        rejects("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", 8, "tensor w", "overflows");
    }

    @Test
    void dataOffsetsNotTwoOrderedIntegers() {
        rejects("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8, "tensor w", "missing data_offsets");
        rejects("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", 8, "tensor w", "not a list of two integers");
        rejects("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,16]}}", 8, "tensor w", "not a list of two integers");
        rejects("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":{\"a\":0}}}", 8, "tensor w", "not a list of two integers");
        rejects("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8.5]}}", 8, "tensor w", "data_offsets[1]", "not an integer");
        rejects("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}", 8, "tensor w", "data_offsets[0]", "out of range");
        rejects("{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}", 8, "tensor w", "begin 8 > end 0");
    }

    @Test
    void endBeyondTheDataBuffer() {
        rejects("{\"w\":" + OK_ENTRY + "}", 7, "tensor w", "end 8", "beyond the data buffer of 7 bytes");
        rejects("{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[9223372036854775806,9223372036854775807]}}", 8, "tensor w", "beyond the data buffer");
    }

    @Test
    void byteLengthDiffersFromShapeTimesDtypeSize() {
        rejects("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "tensor w", "hold 8 bytes", "needs 12");
        rejects("{\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "tensor w", "needs 4");
        rejects("{\"w\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,4]}}", 4, "tensor w", "needs 8");
    }

    @Test
    void offsetsOverlappingOrLeavingHoles() {
        rejects("{\"a\":" + OK_ENTRY + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, "tensor b", "overlap", "ends at 8");
        rejects("{\"a\":" + OK_ENTRY + ",\"b\":" + OK_ENTRY + "}", 8, "overlap");
        rejects("{\"a\":" + OK_ENTRY + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", 20, "tensor b", "hole after offset 8");
        rejects("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, "tensor a", "hole after offset 0");
        rejects("{\"a\":" + OK_ENTRY + "}", 9, "data buffer has 9 bytes", "cover only 8");
        rejects("{}", 1, "data buffer has 1 bytes", "cover only 0");
    }

    @Test
    void metadataNotAStringMap() {
        rejects("{\"__metadata__\":[\"a\"]}", 0, "__metadata__", "string-to-string map", "a list");
        rejects("{\"__metadata__\":\"pt\"}", 0, "__metadata__", "string-to-string map");
        rejects("{\"__metadata__\":{\"format\":1}}", 0, "__metadata__.format", "expected a string value", "the number 1");
        rejects("{\"__metadata__\":{\"format\":{\"a\":\"b\"}}}", 0, "__metadata__.format", "an object");
        rejects("{\"__metadata__\":{\"format\":null}}", 0, "__metadata__.format", "null");
        try (SafeTensorsFile f = Hostile.parse(Hostile.file("{\"__metadata__\":null}", 0))) {
            assertTrue(f.metadata().isEmpty()); // serde's Option reads null as absent
        }
    }

    @Test
    void hostileNamesStayOnOneLine() {
        ModelFormatException e = rejects("{\"a\\nb\\u0000" + "x".repeat(500) + "\":[1]}", 0, "tensor a\\u000ab\\u0000xxx", "...");
        assertTrue(e.getMessage().length() < 300, e.getMessage());
    }

    /** A 100 MB+ claimed header is refused from its length field alone: nothing near that size is allocated. */
    @Test
    void emptyFileOnDisk(@TempDir Path dir) throws IOException {
        Path p = Files.createFile(dir.resolve("empty.safetensors"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafeTensorsFile.open(p));
        assertEquals(p + ": truncated file: 0 bytes, a SafeTensors file starts with an 8-byte header length", e.getMessage());
    }

    @Test
    void hugeClaimedHeaderIsRejectedWithoutAllocatingIt(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("huge.safetensors");
        long claimed = SafeTensorsHeader.MAX_HEADER_BYTES + 1;
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(claimed).array());
            raf.write('{');
            raf.setLength(8 + claimed + 16); // sparse: the header really is that long on paper
        }
        assertEquals(8 + claimed + 16, Files.size(p));
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafeTensorsFile.open(p));
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertTrue(e.getMessage().contains("header length 100000001 exceeds the limit of 100000000 bytes"), e.getMessage());
        assertTrue(allocated < 10_000_000, "allocated " + allocated + " bytes");
    }
}
