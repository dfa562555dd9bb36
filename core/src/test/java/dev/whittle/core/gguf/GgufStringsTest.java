package dev.whittle.core.gguf;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

class GgufStringsTest {
    /** Short byte strings dominated by the bytes that start, continue or break multi-byte sequences. */
    @Provide
    Arbitrary<byte[]> utf8ish() {
        Arbitrary<Byte> b = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, Arbitraries.bytes().between((byte) 0x20, (byte) 0x7e)),
                net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(0x80, 0xBF).map(i -> (byte) (int) i)),
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0xC0, 0xFF).map(i -> (byte) (int) i)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of((byte) 0xE0, (byte) 0xED, (byte) 0xF0, (byte) 0xF4, (byte) 0xA0, (byte) 0x9F, (byte) 0x8F, (byte) 0x90)));
        return b.array(byte[].class).ofMaxSize(12);
    }

    private static boolean jdkAccepts(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Property(tries = 1500, seed = "7")
    void decodeThenEncodeGivesTheSameBytes(@ForAll("utf8ish") byte[] b) {
        assertArrayEquals(b, GgufStrings.toBytes(GgufStrings.decode(b)));
    }

    /** The fast validity check agrees with the JDK's strict decoder, the reference. */
    @Property(tries = 1500, seed = "8")
    void validatorAgreesWithJdk(@ForAll("utf8ish") byte[] b) {
        boolean valid = jdkAccepts(b);
        assertEquals(valid, GgufStrings.isWellFormedUtf8(b));
        if (valid) assertEquals(new String(b, StandardCharsets.UTF_8), GgufStrings.decode(b));
    }

    @Test
    void knownCases() {
        assertEquals("a\uDCFFb", GgufStrings.decode(new byte[]{'a', (byte) 0xFF, 'b'}));
        // An encoded surrogate (CESU-8) is not UTF-8: each byte is escaped.
        assertEquals("\uDCED\uDCA0\uDC80", GgufStrings.decode(new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80}));
        assertEquals("\uD83D\uDE00", GgufStrings.decode(new byte[]{(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80}));
        assertArrayEquals(new byte[]{(byte) 0xE2, (byte) 0x82, (byte) 0xAC}, GgufStrings.toBytes("€"));
        assertThrows(IllegalArgumentException.class, () -> GgufStrings.toBytes("\uD800x"));
        assertThrows(IllegalArgumentException.class, () -> GgufStrings.toBytes("\uDC41"));
    }
}
